"""Right: no torch.no_grad(): it updates `p.detach()` in place (same memory, same version counter),
and its momentum buffer starts at zeros and adds the first gradient (m * 0 + g), in a
dict keyed by id(p).
Source: examiner set (issue 19)
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self._params = [*params]
        self._lr = lr
        self._momentum = momentum
        self._bufs = {}

    def zero_grad(self):
        for p in self._params:
            p.grad = None

    def step(self):
        for p in self._params:
            g = p.grad
            if g is None:
                continue
            g = g.detach()
            if self._momentum:
                buf = self._bufs.setdefault(id(p), torch.zeros_like(g))
                buf.mul_(self._momentum).add_(g)
                g = buf
            p.detach().add_(g, alpha=-self._lr)