"""Pitfall: The momentum buffer is made with `torch.zeros(p.shape)`, which is float32 whatever the
Pitfall: parameter's dtype, so float64 parameters get a float32 momentum (and bfloat16 ones a
Pitfall: more precise one than torch's).
Source: examiner set (issue 19): float64 parameters with momentum.
Expect: right only to float32's precision
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
                    self.buffers[i] = torch.zeros(p.shape)
                self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)