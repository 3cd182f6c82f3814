"""Pitfall: The constructor keeps only the parameters that require grad at that moment, so a layer
Pitfall: frozen when the optimizer is built and unfrozen later is never updated (torch.optim.SGD
Pitfall: keeps it and skips it only while its grad is None).
Source: examiner set (issue 19): a parameter frozen when SGD is built, unfrozen later.
Expect: SGD keeps every tensor it is given, frozen or not
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = [p for p in params if p.requires_grad]
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
            p.add_(d_p, alpha=-self.lr)