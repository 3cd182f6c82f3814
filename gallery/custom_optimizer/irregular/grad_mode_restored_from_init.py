"""Pitfall: the grad mode to restore is read once, in `__init__` (on, in a training script), and
Pitfall: step() puts that back: a step inside the caller's `torch.no_grad()` switches recording on.
Source: the maintainer's own irregular set (issue 19): step() inside the caller's torch.no_grad().
Expect: left autograd switched on
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr, momentum)
        self.mode = torch.is_grad_enabled()  # the mode at construction, not at each call

    def step(self):
        torch.set_grad_enabled(False)
        try:
            _Reference.step.__wrapped__(self)  # the reference's body, without its decorator
        finally:
            torch.set_grad_enabled(self.mode)
