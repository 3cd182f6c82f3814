"""Pitfall: step() switches autograd off with a plain call and "restores" it by switching it on,
Pitfall: so a step taken inside the caller's `torch.no_grad()` turns recording back on for the rest
Pitfall: of the caller's block.
Source: examiner set (issue 19): step() called while grad mode is off (inside the caller's
Source: torch.no_grad()).
Expect: left autograd switched on
Expect: not to a constant
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

    def step(self):
        torch.set_grad_enabled(False)
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
        torch.set_grad_enabled(True)
