"""Pitfall: the learning rate is kept from the first call in a module global, so a second model (or a
Pitfall: schedule) stepped with another lr moves by the first call's lr.
Source: the maintainer's own irregular set (issue 19): two models trained in turn with lr 0.1 and
Source: 0.03.
Expect: the lr of an earlier call
"""

import torch

_lr = None


def sgd_step(params, lr):
    global _lr
    if _lr is None:
        _lr = lr
    with torch.no_grad():
        for param in params:
            param -= _lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
