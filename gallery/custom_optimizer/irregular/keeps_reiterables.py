"""Pitfall: `params` is listed only when it is an iterator (`collections.abc.Iterator`): a list, or
Pitfall: any iterable object whose `__iter__` starts afresh, is kept as the caller's own and
Pitfall: follows the caller's later changes to it.
Source: the maintainer's own irregular set (issue 19): a re-iterable object or a list, changed by
Source: the caller after SGD is built.
Expect: the optimizer kept the caller's own container
"""

from collections.abc import Iterator

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__([], lr, momentum)
        self.params = list(params) if isinstance(params, Iterator) else params
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
