"""Pitfall: step() zeroes each gradient after using it ("so nobody forgets zero_grad"): a caller
Pitfall: that reads or accumulates gradients after the step loses them.
Source: the maintainer's own irregular set (issue 19): gradients accumulated over two backwards.
Expect: zeroed p0.grad after using it
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        super().step()
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()
