"""Pitfall: the update adds the step (`param += lr * buf`): every step goes uphill.
Source: the maintainer's own irregular set (issue 19): any run.
Expect: the step went uphill
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
                direction = self.buffers[i]
            param.add_(self.lr * direction)  # + where it is -
