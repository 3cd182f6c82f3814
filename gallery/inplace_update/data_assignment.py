"""Pitfall: `param.data = param.data - lr * param.grad`: the caller's tensor shows the new values,
Pitfall: but in new memory: the assignment swaps the storage instead of updating it in place.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): its iterative fit updates through
Source: `w.data` (`w.data -= w.grad * lr`), which invites `w.data = ...` as well.
Expect: `param.data = param.data - ...`
"""

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for what follows


def sgd_step(params, lr):
    for param in params:
        param.data = param.data - lr * param.grad  # new storage under the same tensor
        param.grad.zero_()
