"""Pitfall: the rate lr / batch_size as a float32 tensor: float64 parameters step by a rounded
Pitfall: rate.
Source: the maintainers' own irregular set (issue 19): dtypes (float64 parameters)
Expect: right only to float32's precision
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    rate = torch.tensor(lr / batch_size)
    with torch.no_grad():
        for param in params:
            param -= (rate * param.grad).to(param.dtype)
            param.grad.zero_()
