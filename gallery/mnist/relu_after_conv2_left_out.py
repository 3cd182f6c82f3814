"""Pitfall: the ReLU after the second convolution left out: conv2 feeds the max-pool directly, so
Pitfall: conv1's ReLU and conv2 make one linear stage; shapes and parameter count are unchanged.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): its Net.forward goes
Source: `x = self.conv2(x)` then `x = F.max_pool2d(x, 2)`, with no `F.relu` in between.
Expect: the ReLU after conv2 is left out
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.conv2(x)  # no F.relu here
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)
