"""Pitfall: `param += lr * param.grad`: an update in place, but along the gradient, so every step
Pitfall: climbs the loss instead of descending it.
Source: 003, notes on 《动手学深度学习》 linear regression (`param -= lr * param.grad / batch_size`:
Source: the minus sign is the descent).
Expect: the step went uphill
"""

import torch

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for what follows


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param += lr * param.grad  # in place, but uphill
            param.grad.zero_()
