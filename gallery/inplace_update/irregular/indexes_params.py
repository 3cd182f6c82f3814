"""Pitfall: the parameters are walked by index (range(len(params))), which a generator does not
Pitfall: support.
Source: the maintainer's own irregular set (issue 19): params handed as a generator.
Expect: object of type 'generator' has no len()
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for i in range(len(params)):
            params[i] -= lr * params[i].grad
            params[i].grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
