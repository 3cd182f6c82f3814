"""Pitfall: amount is converted with float(amount) before an in-place sub_, and an integer tensor
Pitfall: cannot hold a float result in place, so every integer tensor element raises a
Pitfall: RuntimeError.
Source: examiner set (issue 19): an integer tensor element, e.g. values = [torch.tensor([3, 4])]
Source: with amount = 1.
Expect: the element or the amount was converted
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    amount = float(amount)
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v.sub_(amount)
            else:
                values[i] = v - amount
