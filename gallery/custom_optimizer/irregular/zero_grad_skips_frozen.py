"""Pitfall: zero_grad() clears only the parameters that require grad, so a parameter frozen after
Pitfall: it got a gradient keeps that stale gradient, and step() (which looks only at .grad)
Pitfall: moves it again and again.
Source: examiner set (issue 19): a parameter frozen after it got a gradient.
Expect: test `p.grad is not None`, not `p.requires_grad`
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
            if p.requires_grad:
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
            p.add_(d_p, alpha=-self.lr)