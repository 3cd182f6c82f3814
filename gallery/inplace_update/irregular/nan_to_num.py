"""Pitfall: the gradient is sanitised with nan_to_num before the step, so an overflowed gradient
Pitfall: moves the parameter by a huge finite amount instead of to inf/nan.
Source: the maintainer's own irregular set (issue 19): gradients holding inf and nan.
Expect: wrong where it held inf or nan
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * torch.nan_to_num(param.grad)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
