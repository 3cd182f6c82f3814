"""Pitfall: "First step" is decided by one step counter for the whole optimizer instead of per
Pitfall: parameter, so a parameter that gets its first gradient on a later step finds no buffer
Pitfall: and step() raises.
Source: examiner set (issue 19): a parameter that gets its first gradient at the optimizer's
Source: second step.
Expect: was decided for the whole optimizer (a step counter)
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = [None] * len(self.params)
        self.steps = 0

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
                if self.steps == 0:
                    self.buffers[i] = d_p.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)
        self.steps += 1