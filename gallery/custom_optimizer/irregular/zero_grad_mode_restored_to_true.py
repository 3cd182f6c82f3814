"""Pitfall: zero_grad() switches autograd off to clear the gradients and switches it on again at
Pitfall: the end: called inside the caller's `torch.no_grad()`, it turns recording back on.
Source: the maintainer's own irregular set (issue 19): zero_grad() inside the caller's
Source: torch.no_grad().
Expect: `zero_grad()` was called inside the caller's `torch.no_grad()` block
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def zero_grad(self):
        torch.set_grad_enabled(False)
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()
        torch.set_grad_enabled(True)  # a constant, not the caller's mode
