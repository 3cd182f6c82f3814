"""Pitfall: The first momentum buffer is `p.grad.detach()`, which shares p.grad's memory;
Pitfall: zero_grad() zeroes that memory in place, so the buffer is wiped and the second step has
Pitfall: lost all momentum.
Source: examiner set (issue 19): two or more steps with momentum, zero_grad() zeroing in place.
Expect: the momentum buffer is `p.grad` itself
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = [None] * len(self.params)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            d_p = p.grad
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = d_p.detach()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)