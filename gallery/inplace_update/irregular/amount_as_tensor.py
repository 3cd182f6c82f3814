"""Pitfall: amount is made a tensor first, so every number in the list becomes a 0-dim tensor.
Source: the maintainer's own irregular set (issue 19): a list of ints.
Expect: was replaced by a tensor
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    amount = torch.as_tensor(amount)
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
