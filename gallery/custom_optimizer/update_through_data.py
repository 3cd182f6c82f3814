"""Pitfall: the update goes through `.data`: values change, the version counter does not.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: the hand-written Optimizer's `para.data -= para.grad * self.lr`.
Expect: went around autograd
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def step(self):
        for i, para in enumerate(self.params):
            if para.grad is None:
                continue
            direction = para.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = para.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(para.grad)
                direction = self.buffers[i]
            para.data -= direction * self.lr  # behind autograd's back: _version does not move
