"""Pitfall: A tensor element is updated with v.data = v.data - amount: the object is the same, but
Pitfall: its memory is swapped for a new block, so a view of the same storage (a row of a matrix,
Pitfall: a slice) does not see the change.
Source: examiner set (issue 19): tensor elements that are views, e.g. M = torch.zeros(2, 3);
Source: values = [M[0], M[1]]: M stays zero.
Expect: `v.data = v.data - amount` swaps it
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
                v.data = v.data - amount
            else:
                values[i] = v - amount
