"""Pitfall: zero_grad() makes the zeros under `torch.inference_mode()`: the next backward must
Pitfall: add into an inference tensor, which PyTorch refuses.
Source: the maintainer's own irregular set (issue 19): a backward after zero_grad().
Expect: cleared with an inference tensor
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def zero_grad(self):
        with torch.inference_mode():  # "faster than no_grad"
            for param in self.params:
                if param.grad is not None:
                    param.grad = torch.zeros_like(param.grad)
