"""Pitfall: a running loss started at 0.0 is taken to stay a float when the loss tensors are added to it.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练, 雪天鱼 (`loss.item()` to print and sum losses).
Expect: keeps every batch's graph alive
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def running_loss_kind():
    return "float"  # as if adding a tensor to a float gave a float
