"""Pitfall: `F.log_softmax(x, dim=0)`: normalised over the batch, not over the ten classes (a
Pitfall: digit's log-probabilities then depend on the other digits of its batch).
Source: the maintainer's own irregular set: a batch of several digits in eval mode.
Expect: log_softmax is taken over dim 0
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = torch.flatten(self.dropout1(x), 1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=0)
