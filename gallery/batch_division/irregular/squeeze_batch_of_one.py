"""Pitfall: the loss squeezes both tensors and unsqueezes the result at -1: on a batch of one
Pitfall: example `squeeze()` leaves a 0-dim tensor, and the loss comes out (1,), not (1, 1).
Source: examiner set (issue 19): a batch of 1 (y_hat of shape (1, 1), y of shape (1,))
Expect: on a batch of one example
Expect: a dimension of size 1 was lost
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    return ((y_hat.squeeze() - y.squeeze()) ** 2 / 2).unsqueeze(-1)
