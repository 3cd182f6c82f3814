"""Pitfall: step() skips a parameter whose requires_grad is False, though it holds a gradient (the
Pitfall: zeros an in-place zero_grad() left): with momentum torch still moves it.
Source: the maintainer's own irregular set (issue 19): a parameter frozen after it got a
Source: gradient, with momentum and a zero_grad() that zeroes in place.
Expect: it skipped a parameter for `requires_grad`
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            if param.grad is None or not param.requires_grad:  # "frozen: leave it"
                continue
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
