"""Pitfall: `amount` is made one `torch.tensor(amount)` up front, float32 for a float amount, so a float64 tensor is lowered by the amount rounded to float32 (0.1 becomes 0.100000001...).
Source: examiner set (issue 19, second examiner): the precision of a scalar across dtypes (a float64 tensor, a float amount float32 cannot hold)
Expect: rounded to float32
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    amount_t = torch.tensor(amount)  # once, "instead of once per element": float32
    for i, value in enumerate(values):
        if isinstance(value, torch.Tensor):
            with torch.no_grad():
                value -= amount_t
        else:
            values[i] = value - amount
