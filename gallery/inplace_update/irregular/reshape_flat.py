"""Pitfall: The update is applied to param.reshape(-1), which is a view only when the parameter is
Pitfall: contiguous; for a non-contiguous leaf reshape returns a copy, so the copy is updated and
Pitfall: the caller's tensor does not change.
Source: examiner set (issue 19): a non-contiguous parameter, e.g. torch.randn(4,
Source: 3).t().requires_grad_() (a leaf whose memory is transposed).
Expect: the update went into a copy of it
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            flat = param.reshape(-1)
            flat -= lr * param.grad.reshape(-1)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
