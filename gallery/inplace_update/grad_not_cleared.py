"""Pitfall: the gradient is left uncleared after the update.
Source: 000, 最简单的深度学习训练代码 (`param.grad.zero_()`, 梯度清零).
Expect: was left uncleared
"""

import torch

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for the line below


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad  # ... and no param.grad.zero_()
