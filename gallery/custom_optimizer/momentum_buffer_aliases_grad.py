"""Pitfall: the momentum buffer is `p.grad` itself (no copy): zero_grad() wipes it, step() rewrites
Pitfall: the gradient.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its MNIST example trains with `torch.optim.SGD(..., momentum=0.9)`, which a hand-written
Source: optimizer must then match.
Expect: the momentum buffer is `p.grad` itself
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad  # no .clone(): the buffer *is* the gradient
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
