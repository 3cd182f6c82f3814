"""Pitfall: the update steps along `grad + momentum * buf` (Nesterov's), where torch.optim.SGD
Pitfall: (nesterov=False) steps along the buffer itself.
Source: the maintainer's own irregular set (issue 19): momentum, the first step.
Expect: that is Nesterov's step
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = param.grad + self.momentum * self.buffers[i]  # look-ahead
            param.sub_(self.lr * direction)
