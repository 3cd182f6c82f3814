"""Pitfall: The gradient is "cleared" with param.grad.mul_(0), but inf * 0 and nan * 0 are nan, so a
Pitfall: gradient that overflowed is not cleared and poisons the next backward.
Source: examiner set (issue 19): a gradient holding inf or nan (e.g. the gradient of exp(x) at x =
Source: 100 in float32, which overflows to inf).
Expect: multiplying by zero
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.mul_(0)


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
