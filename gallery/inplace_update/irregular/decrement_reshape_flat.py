"""Pitfall: each tensor is flattened with reshape(-1) and the flat tensor decremented; for a non-
Pitfall: contiguous tensor reshape copies, so it does not change.
Source: the maintainer's own irregular set (issue 19): a transposed tensor element.
Expect: the update went into a copy of it
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
                v.reshape(-1).sub_(amount)
            else:
                values[i] = v - amount
