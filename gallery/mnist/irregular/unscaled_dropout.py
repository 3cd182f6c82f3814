"""Pitfall: a hand-made dropout that zeroes at the right rates in train mode but does not scale
Pitfall: what it keeps by 1 / (1 - p): train and eval mode then see activations of different sizes.
Source: the maintainer's own irregular set: train mode, the kept values.
Expect: were not scaled by 1 / (1 - p)
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


def drop(x, p, training):
    if not training:
        return x
    return x * (torch.rand_like(x) >= p)  # kept values not divided by (1 - p)


class Net(_Reference):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = torch.flatten(drop(x, 0.25, self.training), 1)
        x = drop(F.relu(self.fc1(x)), 0.5, self.training)
        return F.log_softmax(self.fc2(x), dim=1)
