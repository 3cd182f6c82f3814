"""Pitfall: `amount` is made a tensor of the first tensor's dtype, once, so every later tensor of a finer dtype (a float64 after a float16) is lowered by the amount rounded to that coarser dtype.
Source: the maintainer's own irregular set (issue 19): the precision of a scalar across dtypes (tensors of several dtypes in one list)
Expect: rounded to float16
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    amount_t = None
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                if amount_t is None:  # made once, like the first tensor
                    amount_t = torch.tensor(amount, dtype=value.dtype)
                value -= amount_t
            else:
                values[i] = value - amount
