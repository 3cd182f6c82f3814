"""Pitfall: param.data.sub(lr * param.grad) is the out-of-place sub, not sub_: it returns a new
Pitfall: tensor that is thrown away, so the parameter never moves (a rebinding without even a
Pitfall: name).
Source: examiner set (issue 19): any call: the caller's parameter keeps its old values while its
Source: gradient is cleared.
Expect: the update never reached it
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param.data.sub(lr * param.grad)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
