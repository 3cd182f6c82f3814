"""Pitfall: momentum buffers kept by position among the parameters that have a gradient: when one
Pitfall: parameter is skipped (its grad None), the others take their neighbours' buffers.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its hand-written Optimizer loops over the parameters; with momentum, as its MNIST example
Source: trains, each one needs a buffer of its own.
Expect: the buffers got mixed up between parameters
"""

import torch

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    @torch.no_grad()
    def step(self):
        live = [p for p in self.params if p.grad is not None]  # skipped ones drop out...
        for i, param in enumerate(live):  # ...and every later one takes another's buffer
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            param.sub_(self.lr * direction)
