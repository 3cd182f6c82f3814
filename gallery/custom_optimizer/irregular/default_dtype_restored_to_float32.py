"""Pitfall: step() sets the default dtype to each parameter's to make its buffer with
Pitfall: `torch.zeros(shape)`, then sets it back to float32, a constant: a caller whose default
Pitfall: is float64 finds it changed.
Source: the maintainer's own irregular set (issue 19): the caller's default dtype float64.
Expect: changed the default dtype
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
                    torch.set_default_dtype(param.dtype if param.dtype == torch.float64
                                            else torch.float32)
                    self.buffers[i] = torch.zeros(param.shape).to(param.dtype)
                    self.buffers[i].add_(param.grad)
                    torch.set_default_dtype(torch.float32)  # "back", to a constant
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
