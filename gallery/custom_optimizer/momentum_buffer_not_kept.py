"""Pitfall: a momentum buffer that lives in step() only: started anew at every call, it holds
Pitfall: nothing of the earlier gradients, and every step is a plain `lr * grad`.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its MNIST example trains with `torch.optim.SGD(..., momentum=0.9)`, which a hand-written
Source: optimizer must then match.
Expect: the momentum buffer does not carry over from one step to the next
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        for param in self.params:
            if param.grad is None:
                continue
            buf = torch.zeros_like(param)  # a new buffer at every call: nothing is kept
            buf.mul_(self.momentum).add_(param.grad)
            param.sub_(self.lr * buf)
