"""Pitfall: for a constant f, f(leaf) records no graph and torch.autograd.grad raises, although the
Pitfall: derivative is 0 everywhere.
Source: examiner set (issue 19): a constant f
Expect: f is a constant
Expect: return `torch.zeros_like(x)` when `y.requires_grad` is False
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_()
        y = f(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
