"""Pitfall: the parameter is rebound, not updated: `param = param - lr * param.grad`.
Source: 003, notes on 《动手学深度学习》 linear regression (the sgd function, "p = p - ...").
Expect: the caller's tensor `w` did not change
"""

import torch

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for the line below


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param = param - lr * param.grad  # a new tensor, bound to a local name
