"""Pitfall: lr is made a tensor (`torch.tensor(lr)`, float32 by default): float64 parameters move
Pitfall: by lr rounded to float32.
Source: the maintainer's own irregular set (issue 19): float64 parameters.
Expect: the step with lr rounded to float32
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr, momentum)
        self.lr = torch.tensor(lr)  # "keep everything a tensor"
