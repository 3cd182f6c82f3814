"""Pitfall: a parameter skipped for a None grad loses its momentum buffer: its next step starts
Pitfall: over from a copy of the gradient.
Source: the maintainer's own irregular set (issue 19): a parameter whose grad is None at one step
Source: only, with momentum.
Expect: the buffer was dropped while it had no gradient
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            if param.grad is None:
                self.buffers[i] = None  # "no gradient: start over"
                continue
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
