"""Pitfall: A 0-dim tensor is treated as a number (its .item() minus amount is put into the list), so
Pitfall: the caller's tensor object is replaced by a Python float and every other reference to it
Pitfall: keeps the old value.
Source: examiner set (issue 19): a 0-dim tensor element, e.g. values = [torch.tensor(5.0)] with t
Source: = values[0] held elsewhere.
Expect: was replaced in the list by a Python number
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
            if isinstance(v, torch.Tensor) and v.dim() > 0:
                v -= amount
            elif isinstance(v, torch.Tensor):
                values[i] = v.item() - amount
            else:
                values[i] = v - amount
