"""Pitfall: the parameters are checked for emptiness with list(params) first, which uses up a
Pitfall: generator, so a model.parameters() generator is never stepped.
Source: the maintainer's own irregular set (issue 19): params handed as a generator.
Expect: the generator was used up before the loop
"""

import torch


def sgd_step(params, lr):
    if not list(params):
        return
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
