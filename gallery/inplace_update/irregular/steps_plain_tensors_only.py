"""Pitfall: sgd_step keeps only the params whose type is exactly torch.Tensor, so an nn.Parameter (what `model.parameters()` gives) or another subclass of torch.Tensor is never stepped nor cleared.
Source: the maintainer's own irregular set (issue 19): tensor subclasses in sgd_step's params
Expect: was not taken for a tensor
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            if type(param) is not torch.Tensor:  # "only tensors"
                continue
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount
            else:
                values[i] = value - amount
