"""Pitfall: The momentum buffer is stored as an attribute on the parameter tensor itself, so a
Pitfall: second optimizer built on the same parameters finds the first one's buffer and its
Pitfall: first step is not a copy of the gradient.
Source: examiner set (issue 19): a new optimizer over the same tensors (a restart).
Expect: its state outlived it
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
                buf = getattr(p, "momentum_buffer", None)
                if buf is None:
                    p.momentum_buffer = d_p.clone()
                else:
                    buf.mul_(self.momentum).add_(d_p)
                d_p = p.momentum_buffer
            p.add_(d_p, alpha=-self.lr)