"""Pitfall: Numbers are written back at values.index(v), the position of the first element equal to
Pitfall: v, which is not v's own position once an earlier element has become equal to it, so one
Pitfall: number is decremented twice and another not at all.
Source: examiner set (issue 19): the list [2, 1] with amount 1 (gives [0, 1] instead of [1, 0]).
Expect: writing each result back at `values.index(v)`
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for v in list(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[values.index(v)] = v - amount
