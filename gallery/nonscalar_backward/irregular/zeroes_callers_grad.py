"""Pitfall: works on the caller's x and zeroes x.grad before and after: the caller's own gradient is
Pitfall: wiped, a plain x keeps a zero .grad.
Source: examiner set (issue 19, the maintainers' own): an x that requires grad and holds a
Source: gradient
Expect: the caller's x was changed
Expect: it was zeroed
"""

import torch


def elementwise_grad(f, x):
    was = x.requires_grad
    x.requires_grad_(True)
    if x.grad is not None:
        x.grad.zero_()
    with torch.enable_grad():
        y = f(x)
        if not y.requires_grad:
            x.requires_grad_(was)
            return torch.zeros_like(x)
        y.backward(torch.ones_like(y))
    grad = x.grad.clone()
    x.grad.zero_()
    x.requires_grad_(was)
    return grad
