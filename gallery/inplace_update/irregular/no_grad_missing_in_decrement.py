"""Pitfall: decrement_all subtracts from tensor elements in place outside torch.no_grad(), so a
Pitfall: tensor element that requires grad (a parameter, a leaf with requires_grad=True) raises
Pitfall: the in-place-on-a-leaf RuntimeError instead of being decremented.
Source: examiner set (issue 19): a tensor element that requires grad, e.g. values = [torch.ones(2,
Source: requires_grad=True)].
Expect: In-place update of a leaf outside `torch.no_grad()`
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    for i, v in enumerate(values):
        if isinstance(v, torch.Tensor):
            v -= amount
        else:
            values[i] = v - amount
