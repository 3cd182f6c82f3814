"""Pitfall: no torch.enable_grad(): called inside torch.no_grad(), f records nothing and zeros come
Pitfall: back silently.
Source: examiner set (issue 19): a caller inside torch.no_grad()
Expect: grad mode was off while f ran
"""

import torch


def elementwise_grad(f, x):
    leaf = x.detach().clone().requires_grad_()
    y = f(leaf)
    if not y.requires_grad:
        return torch.zeros_like(leaf)
    (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
