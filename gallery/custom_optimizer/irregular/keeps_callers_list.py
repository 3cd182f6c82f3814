"""Pitfall: a list or tuple given as `params` is kept as the caller's own object, so when the
Pitfall: caller later empties or reuses that list the optimizer loses (or changes) its parameters.
Source: examiner set (issue 19): a list of parameters that the caller clears or refills after
Source: building the optimizer.
Expect: the optimizer kept the caller's own container
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = params if isinstance(params, (list, tuple)) else list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            d_p = p.grad
            if self.momentum != 0:
                if p not in self.buffers:
                    self.buffers[p] = d_p.clone()
                else:
                    self.buffers[p].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[p]
            p.add_(d_p, alpha=-self.lr)
