"""Pitfall: The new values are written back with torch.nn.utils.vector_to_parameters, which assigns
Pitfall: `param.data = ...`: the values change but the version counter does not, so a graph that
Pitfall: saved the old value gives wrong gradients without an error.
Source: examiner set (issue 19): any step: the version counter and the storage.
Expect: what `torch.nn.utils.vector_to_parameters` does
"""

import torch
from torch.nn.utils import vector_to_parameters


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
        moved, new_values = [], []
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
            moved.append(p)
            new_values.append((p - self.lr * d_p).reshape(-1))
        if moved:
            vector_to_parameters(torch.cat(new_values), moved)