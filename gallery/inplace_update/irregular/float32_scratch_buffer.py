"""Pitfall: The step lr * grad is written into a scratch buffer made with torch.zeros(p.shape), which
Pitfall: has the default dtype float32, so a float64 parameter is moved by a step rounded to
Pitfall: float32 precision.
Source: examiner set (issue 19): a float64 parameter (p = 1.0, grad = 1/3, lr = 0.1: the new value
Source: is off by about 1e-9, far more than float64's rounding).
Expect: right only to float32's precision
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            step = torch.zeros(param.shape)
            step.copy_(param.grad).mul_(lr)
            param -= step
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
