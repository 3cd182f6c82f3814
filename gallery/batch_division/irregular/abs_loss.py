"""Pitfall: |y_hat - y| / 2 instead of the square.
Source: the maintainers' own irregular set (issue 19): values (another loss)
Expect: the loss is not a multiple of (y_hat - y)^2 / 2
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)).abs() / 2
