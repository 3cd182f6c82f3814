"""Pitfall: the gradient is zeroed before the update uses it, so every step subtracts zero.
Source: the maintainer's own irregular set (issue 19): any call (the parameter's version counter
Source: moves, its values do not).
Expect: as when `param.grad` is cleared before it is used
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param.grad.zero_()
            param -= lr * param.grad


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
