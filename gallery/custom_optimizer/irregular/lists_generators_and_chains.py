"""Pitfall: `params` is listed when it is a generator or an `itertools.chain`, the two kinds the
Pitfall: learner met; `filter(...)`, `map(...)`, `iter(list)` or an iterator class are kept as they
Pitfall: came and are empty from the second loop on.
Source: the maintainer's own irregular set (issue 19): filter, map, iter(list) or an iterator
Source: object as params.
Expect: which can be walked only once
"""

import itertools
import types

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        if isinstance(params, (types.GeneratorType, itertools.chain, list, tuple)):
            params = list(params)
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.buffers = {}

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()

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
