"""Pitfall: Parameters whose gradient holds a nan or inf are skipped, so the optimizer silently
Pitfall: hides a diverging run where torch.optim.SGD (which the contract follows step for step)
Pitfall: applies the update and the nan shows.
Source: examiner set (issue 19): a nan in a gradient.
Expect: it skipped a gradient that is not finite
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
            if p.grad is None or not torch.isfinite(p.grad).all():
                continue
            d_p = p.grad
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = d_p.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)