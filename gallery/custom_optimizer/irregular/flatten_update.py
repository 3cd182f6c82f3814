"""Pitfall: The update is applied to `p.flatten()`, which is a view of p only when p is contiguous:
Pitfall: for a channels-last or transposed parameter flatten() returns a copy, and the parameter
Pitfall: never moves.
Source: examiner set (issue 19): channels-last, transposed and sliced parameters.
Expect: the update went into a copy of it
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
                    self.buffers[i] = d_p.flatten().clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p.flatten())
                d_p = self.buffers[i]
            p.flatten().add_(d_p.flatten(), alpha=-self.lr)