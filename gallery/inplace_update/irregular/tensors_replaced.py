"""Pitfall: tensors are replaced in the list like numbers (values[i] = v - amount), so other
Pitfall: references keep the old tensors.
Source: the maintainer's own irregular set (issue 19): any tensor element.
Expect: the list now holds new tensors
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    for i, v in enumerate(values):
        values[i] = v - amount
