"""Pitfall: the step is computed in bfloat16 "to save memory", so a float32 parameter moves by a step
Pitfall: rounded to bfloat16.
Source: the maintainer's own irregular set (issue 19): a float32 parameter.
Expect: moved by a step that is right only to
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= (lr * param.grad.bfloat16()).to(param.dtype)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
