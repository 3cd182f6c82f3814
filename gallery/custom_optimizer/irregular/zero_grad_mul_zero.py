"""Pitfall: zero_grad() clears each gradient with `p.grad.mul_(0)`, and inf * 0 is nan: after one
Pitfall: overflowing backward the gradient is nan for good, since every later backward adds onto
Pitfall: it.
Source: examiner set (issue 19): an overflowing backward (inf), the step skipped, then
Source: zero_grad().
Expect: multiplying by zero (`p.grad.mul_(0)`
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
            if p.grad is not None:
                p.grad.mul_(0)

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