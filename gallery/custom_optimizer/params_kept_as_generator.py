"""Pitfall: `params` kept as the generator `model.parameters()` returns: empty after one loop.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: the hand-written Optimizer's `self.parameters = parameters` (its toy model returns a list;
Source: nn.Module.parameters() returns a generator).
Expect: `params` was kept as the generator
"""

from collections import defaultdict

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        self.params = params  # as it came: a generator is used up by the first loop over it
        self.lr = lr
        self.momentum = momentum
        self.buffers = defaultdict(lambda: None)
