"""Pitfall: numbers are converted with float() before the subtraction, so ints become floats (and
Pitfall: Fractions and Decimals lose their type and exactness).
Source: the maintainer's own irregular set (issue 19): a list of ints.
Expect: the element or the amount was converted
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = float(v) - amount
