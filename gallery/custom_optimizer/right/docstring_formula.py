"""Right: the docstring's `p -= lr * buf` literally (two roundings where torch's `add_(buf,
alpha=-lr)` has one), zero_grad() zeroing in place, params kept as a tuple.
Source: examiner set (issue 19)
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = tuple(params)
        self.lr = lr
        self.momentum = momentum
        self.bufs = [None for _ in self.params]

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()

    def step(self):
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                if self.momentum == 0:
                    p -= self.lr * p.grad
                    continue
                if self.bufs[i] is None:
                    self.bufs[i] = p.grad.clone()
                else:
                    self.bufs[i] = self.momentum * self.bufs[i] + p.grad
                p -= self.lr * self.bufs[i]