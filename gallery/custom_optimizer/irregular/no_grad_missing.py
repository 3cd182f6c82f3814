"""Pitfall: the update in place runs outside `torch.no_grad()`: PyTorch refuses an in-place change
Pitfall: of a leaf that requires grad while autograd records.
Source: the maintainer's own irregular set (issue 19): any run (parameters that require grad).
Expect: do it under `torch.no_grad()`
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def step(self):  # no @torch.no_grad()
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
