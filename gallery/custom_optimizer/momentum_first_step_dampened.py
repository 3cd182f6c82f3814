"""Pitfall: a momentum buffer started at zeros, fed (1 - momentum) * grad: the first step is short.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its MNIST example trains with `torch.optim.SGD(..., momentum=0.9)`, which a hand-written
Source: optimizer must then match.
Expect: the first step with momentum differs from torch.optim.SGD's
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
                    self.buffers[i] = torch.zeros_like(param)
                # an average of the gradients, not torch's sum: the first step is (1 - m) * grad
                self.buffers[i].mul_(self.momentum).add_(param.grad, alpha=1 - self.momentum)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
