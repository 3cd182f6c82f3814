"""Pitfall: step() uses `p.grad` without checking for None: a parameter the loss skips crashes it.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: the hand-written Optimizer's `para.data -= para.grad * self.lr` assumes every grad exists.
Expect: `step()` crashed on a gradient that is None
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            direction = param.grad  # ... and no `if param.grad is None: continue`
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
