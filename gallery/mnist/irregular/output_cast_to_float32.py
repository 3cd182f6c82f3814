"""Pitfall: the log-probabilities are cast to float32 at the end ("to be safe"): a float64 network
Pitfall: gives float32 outputs and loses the precision it was converted for.
Source: the maintainer's own irregular set: `Net().double()` on float64 digits.
Expect: gave float32 log-probabilities
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def forward(self, x):
        return super().forward(x).float()
