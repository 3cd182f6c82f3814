"""Pitfall: the loss lacks the / 2: (y_hat - y)^2.
Source: the maintainers' own irregular set (issue 19): values (the constant of the loss)
Expect: the half is missing
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2
