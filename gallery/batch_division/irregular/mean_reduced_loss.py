"""Pitfall: squared_loss returns the mean over the batch, one number, instead of one loss per
Pitfall: example.
Source: the maintainers' own irregular set (issue 19): values (a reduction where one loss per
Source: example is due)
Expect: squared_loss returned one number (their mean)
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()
