"""Pitfall: the answer copied into x.detach(), which shares x's memory: the caller's x is
Pitfall: overwritten (an expanded x refuses).
Source: examiner set (issue 19, the maintainers' own): x left untouched, an expanded x
Expect: something was written into memory whose elements are shared
Expect: the values of x changed
"""

import torch


def elementwise_grad(f, x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
        if not y.requires_grad:
            grad = torch.zeros_like(leaf)
        else:
            (grad,) = torch.autograd.grad(y.sum(), leaf)
    out = x.detach()
    out.copy_(grad)
    return out
