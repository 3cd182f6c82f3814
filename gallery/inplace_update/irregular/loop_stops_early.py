"""Pitfall: a return inside the loop: only the first parameter gets its step.
Source: the maintainer's own irregular set (issue 19): any list of two or more parameters ([w, b]:
Source: b never moves).
Expect: the loop stopped early
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()
            return


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
