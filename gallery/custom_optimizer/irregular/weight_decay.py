"""Pitfall: the step adds a weight decay of its own (`grad + 1e-2 * param`), which torch.optim.SGD
Pitfall: takes only when asked (weight_decay=0 by default).
Source: the maintainer's own irregular set (issue 19): any run.
Expect: moved by about torch.optim.SGD's step, but off by
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
            direction = param.grad + 1e-2 * param  # "a little L2 never hurts"
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = direction.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(direction)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
