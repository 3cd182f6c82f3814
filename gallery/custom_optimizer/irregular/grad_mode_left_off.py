"""Pitfall: step() switches autograd off with `torch.set_grad_enabled(False)` and never puts it
Pitfall: back: the caller's next forward records no graph.
Source: the maintainer's own irregular set (issue 19): grad mode after the call.
Expect: left autograd switched off
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def step(self):
        torch.set_grad_enabled(False)  # no `with`: the mode stays off after the call
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
            param.sub_(self.lr * direction)
