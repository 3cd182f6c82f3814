"""Pitfall: Parameters whose gradient is all zeros are skipped like those whose gradient is None,
Pitfall: but torch.optim.SGD still applies momentum to them (buf = m * buf + 0, then a step).
Source: examiner set (issue 19): a gradient of exact zeros, with momentum.
Expect: a gradient of zeros was skipped as if it were None
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
            if p.grad is None or not p.grad.any():
                continue
            d_p = p.grad
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = d_p.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)