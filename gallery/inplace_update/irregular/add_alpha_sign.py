"""Pitfall: param.add_(param.grad, alpha=lr) is in place and outside the graph, but it moves along
Pitfall: the gradient instead of against it, so every step climbs the loss.
Source: examiner set (issue 19): any step: the loss after the step is larger than before (the
Source: parameter moves by +lr * grad).
Expect: the step went uphill
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param.add_(param.grad, alpha=lr)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
