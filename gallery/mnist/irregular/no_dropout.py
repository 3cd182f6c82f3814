"""Pitfall: no dropout at all: the eval-mode output is right, and the network trains without the
Pitfall: regularisation the articles give it.
Source: the maintainer's own irregular set: train mode.
Expect: nothing was dropped after the max-pool
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def __init__(self):
        super().__init__()
        self.dropout1 = nn.Identity()
        self.dropout2 = nn.Identity()
