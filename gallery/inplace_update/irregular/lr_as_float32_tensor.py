"""Pitfall: lr is made a (float32) tensor, so a float64 parameter moves by a step whose lr was
Pitfall: rounded to float32.
Source: the maintainer's own irregular set (issue 19): a float64 parameter.
Expect: right only to float32's precision
"""

import torch


def sgd_step(params, lr):
    lr = torch.tensor(lr)
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
