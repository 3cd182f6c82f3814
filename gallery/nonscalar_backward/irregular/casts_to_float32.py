"""Pitfall: the private leaf is made with .float(): a float64 (or float16, bfloat16) x gets a
Pitfall: float32 derivative.
Source: examiner set (issue 19): a float64 x
Expect: the result is float32, but x is float64
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().float().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
