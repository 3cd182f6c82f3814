"""Pitfall: `params` is listed only when it has no `len()`: a dict's `.values()` view is kept as it
Pitfall: came, and follows every later change the caller makes to its dict.
Source: the maintainer's own irregular set (issue 19): `params` as a dict's values(), the dict
Source: changed after SGD is built.
Expect: the optimizer kept the caller's own container
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__([], lr, momentum)
        self.params = params if hasattr(params, "__len__") else list(params)  # views kept
        self.buffers = {}

    def zero_grad(self):
        for param in self.params:
            param.grad = None

    def step(self):
        import torch

        with torch.no_grad():
            for param in self.params:
                if param.grad is None:
                    continue
                direction = param.grad
                if self.momentum:
                    buf = self.buffers.get(param)
                    if buf is None:
                        buf = self.buffers[param] = param.grad.clone()
                    else:
                        buf.mul_(self.momentum).add_(param.grad)
                    direction = buf
                param.sub_(self.lr * direction)
