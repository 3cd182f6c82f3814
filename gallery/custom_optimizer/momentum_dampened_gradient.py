"""Pitfall: a momentum buffer fed (1 - momentum) * grad after a right first step: the moving
Pitfall: average of the gradients (dampening), not torch.optim.SGD's momentum.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its MNIST example trains with `torch.optim.SGD(..., momentum=0.9)`, which a hand-written
Source: optimizer must then match.
Expect: the momentum buffer takes the gradient with a factor (1 - momentum)
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
                    self.buffers[i] = param.grad.clone()
                else:  # the gradient weighed by (1 - momentum): a moving average
                    self.buffers[i].mul_(self.momentum).add_(param.grad, alpha=1 - self.momentum)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
