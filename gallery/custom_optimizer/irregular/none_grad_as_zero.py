"""Pitfall: A parameter whose .grad is None is treated as having a zero gradient instead of being
Pitfall: skipped, so with momentum it keeps moving by lr * momentum * buf (and its buffer
Pitfall: decays) on steps where torch.optim.SGD leaves it alone.
Source: examiner set (issue 19): a parameter whose grad is None at one step only, with momentum.
Expect: a missing gradient was taken as zeros
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
            p.grad = None

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            d_p = p.grad if p.grad is not None else torch.zeros_like(p)
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = d_p.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)