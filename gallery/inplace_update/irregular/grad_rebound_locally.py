"""Pitfall: The gradient is cleared by binding zeros to a local name (grad = torch.zeros_like(grad)),
Pitfall: the same rebinding mistake as the parameter's, so param.grad keeps its values and the
Pitfall: next backward adds onto them.
Source: examiner set (issue 19): any call: param.grad still holds the old gradient afterwards.
Expect: zeros bound to a local name
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            grad = param.grad
            param -= lr * grad
            grad = torch.zeros_like(grad)


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
