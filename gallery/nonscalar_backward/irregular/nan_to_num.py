"""Pitfall: the gradient passed through torch.nan_to_num: the derivative at nan or inf is replaced.
Source: examiner set (issue 19, the maintainers' own): non-finite values (inf, nan)
Expect: the non-finite values were replaced or lost
"""

import torch


def elementwise_grad(f, x):
    leaf = x.detach().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y.sum(), leaf)
    return torch.nan_to_num(grad)
