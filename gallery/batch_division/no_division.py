"""Pitfall: no division by the batch size: the step uses the gradient of the summed loss as is.
Source: 003, notes on 《动手学深度学习》 linear regression ("为什么需要除以batch_size": without it the
steps are batch_size times larger).
Expect: no division by the batch size
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403 - the reference, but for the line below


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad  # the summed gradient: batch_size times the mean
            param.grad.zero_()
