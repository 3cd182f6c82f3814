"""Pitfall: dropout 0.5 in both places (written from memory): the pooled features lose twice the
Pitfall: contract's share in train mode.
Source: the maintainer's own irregular set: train mode, what reaches fc1.
Expect: the rate there is not the contract's
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def __init__(self):
        super().__init__()
        self.dropout1 = nn.Dropout(0.5)
