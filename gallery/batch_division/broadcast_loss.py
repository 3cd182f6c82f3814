"""Pitfall: `(n, 1) - (n,)` broadcast into an `(n, n)` loss (the label is not reshaped).
Source: 000, 最简单的深度学习训练代码 (squared_loss reshapes with `y.reshape(y_hat.shape)`; this drops it).
Expect: the loss was broadcast into (5, 5)
"""

from solutions.batch_division import *  # noqa: F401,F403 - the reference, but for the line below


def squared_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2  # (n, 1) - (n,) broadcasts to (n, n), silently
