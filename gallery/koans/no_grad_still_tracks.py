"""Pitfall: a result computed under `torch.no_grad()` from inputs that require grad is taken to require grad too.
Source: 000, 最简单的深度学习训练代码 (with torch.no_grad(): w = x + y + z; w.requires_grad, w.grad_fn).
Expect: Under `torch.no_grad()` nothing is recorded
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def no_grad_result():
    return (True, "AddBackward0")  # as if requires_grad spread under no_grad as it does outside
