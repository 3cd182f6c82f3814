"""Pitfall: a new list is built and bound to the local name `values`, so the caller's list (and its
Pitfall: tensors) never change.
Source: the maintainer's own irregular set (issue 19): any list.
Expect: `values = [...]` binds a new list to the local name
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    values = [v - amount for v in values]
