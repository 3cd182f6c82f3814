"""Pitfall: `p.grad.data.zero_()` on a gradient that is still None (before the first backward).
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: the hand-written Optimizer's `para.grad.data.zero_()`.
Expect: `zero_grad()` crashed on a gradient that is None
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def zero_grad(self):
        for para in self.params:
            para.grad.data.zero_()  # None until a backward reaches the parameter
