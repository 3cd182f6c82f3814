"""Pitfall: tensors are told by `type(v) is torch.Tensor`, False for an nn.Parameter (a subclass), so a parameter is replaced in the list by a new tensor `v - amount` and the model's parameter never changes.
Source: examiner set (issue 19, second examiner): tensor subclasses (nn.Parameter) in the list
Expect: was not taken for a tensor
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    for i, value in enumerate(values):
        if type(value) is torch.Tensor:
            with torch.no_grad():
                value -= amount
        else:
            values[i] = value - amount
