"""Pitfall: the lr for reduction='sum' multiplied by the batch size instead of divided: the summed
Pitfall: gradient is already batch_size times larger, so every step is batch_size^2 times too long.
Source: 003, notes on 《动手学深度学习》 linear regression (MSELoss(reduction='sum') needs the lr
Source: divided by batch_size).
Expect: lr was multiplied by the batch size
"""

from solutions.reduction_lr import *  # noqa: F401,F403 - the reference, but for what follows


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean * batch_size  # the wrong way round
