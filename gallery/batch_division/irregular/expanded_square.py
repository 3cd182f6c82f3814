"""Pitfall: the square is expanded, `(y_hat**2 - 2*y_hat*y + y**2) / 2`: the same in exact
Pitfall: arithmetic, but far from zero the squares cancel and only their rounding is left.
Source: examiner set (issue 19): float64 predictions and labels around 1e8
Expect: the expanded square `(y_hat**2 - 2*y_hat*y + y**2) / 2`
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    y = y.reshape(y_hat.shape)
    return (y_hat**2 - 2 * y_hat * y + y**2) / 2
