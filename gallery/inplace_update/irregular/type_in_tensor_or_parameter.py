"""Pitfall: tensors are told by `type(v) in (torch.Tensor, nn.Parameter)`, so a tensor of any other subclass of torch.Tensor is taken for a number and replaced by a new tensor instead of changed in place.
Source: the maintainer's own irregular set (issue 19): tensor subclasses (a user's own subclass of torch.Tensor)
Expect: was not taken for a tensor
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if type(value) in (torch.Tensor, torch.nn.Parameter):
                value -= amount
            else:
                values[i] = value - amount
