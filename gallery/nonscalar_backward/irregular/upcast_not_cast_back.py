"""Pitfall: the derivative computed in float64 and never converted back: a float32 x gets a float64
Pitfall: result.
Source: examiner set (issue 19, the maintainers' own): a float32 (float16, bfloat16) x
Expect: the result is float64, but x is float32
"""

import torch


def elementwise_grad(f, x):
    leaf = x.detach().double().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y.sum(), leaf)
    return grad
