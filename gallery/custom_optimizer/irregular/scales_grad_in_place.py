"""Pitfall: Without momentum the step does `p.sub_(p.grad.mul_(lr))`: the in-place mul_ scales the
Pitfall: caller's gradient by lr, so after step() p.grad is lr * grad instead of the gradient
Pitfall: (torch's step leaves .grad alone).
Source: examiner set (issue 19): no momentum; the gradient read after the step.
Expect: by lr in place (`p.grad.mul_(lr)`)
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
            if p.grad is None:
                continue
            d_p = p.grad
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = d_p.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            if self.momentum == 0:
                p.sub_(d_p.mul_(self.lr))
            else:
                p.add_(d_p, alpha=-self.lr)