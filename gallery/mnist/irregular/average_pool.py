"""Pitfall: `F.avg_pool2d` where the contract has a max-pool: every shape and the parameter count
Pitfall: stay right.
Source: the maintainer's own irregular set: any digit in eval mode.
Expect: the pooling is an average, not a max
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = torch.flatten(self.dropout1(x), 1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)
