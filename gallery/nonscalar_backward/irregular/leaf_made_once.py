"""Pitfall: the working leaf made once per shape and kept in a module-level variable: later calls
Pitfall: differentiate at old values.
Source: examiner set (issue 19, the maintainers' own): state, x changed in place between two
Source: calls
Expect: the call returned the derivative at x's old values
"""

import torch

_leaf = None


def elementwise_grad(f, x):
    global _leaf
    if _leaf is None or _leaf.shape != x.shape or _leaf.dtype != x.dtype:
        _leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = f(_leaf)
        if not y.requires_grad:
            return torch.zeros_like(_leaf)
        (grad,) = torch.autograd.grad(y.sum(), _leaf)
    return grad
