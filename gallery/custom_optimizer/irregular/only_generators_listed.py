"""Pitfall: `params` is turned into a list only when it is a generator; other one-shot iterators
Pitfall: (`itertools.chain(...)`, `filter(...)`, `iter(list)`, `map(...)`) are kept as they came
Pitfall: and are empty from the second loop on.
Source: examiner set (issue 19): `itertools.chain(...)`, `filter(...)`, `map(...)` or `iter(list)`
Source: as params.
Expect: which can be walked only once
"""

import types

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        if isinstance(params, types.GeneratorType):
            params = list(params)
        self.params = params
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
