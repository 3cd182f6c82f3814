"""Pitfall: computed in float32 and converted back to the inputs' dtype: float64 loses its
Pitfall: precision.
Source: the maintainers' own irregular set (issue 19): dtypes (float64 far from zero)
Expect: but only float32's precision
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    d = y_hat.float() - y.float().reshape(y_hat.shape)
    return (d ** 2 / 2).to(y_hat.dtype)
