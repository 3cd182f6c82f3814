"""Pitfall: backward on the caller's x, then the old x.grad subtracted: (old + g) - old is not g in
Pitfall: floating point when x.grad is large.
Source: examiner set (issue 19): an x that requires grad and holds a large gradient
Expect: the derivative lost its digits to x.grad's large values
"""

import torch


def elementwise_grad(f, x):
    was = x.requires_grad
    before = None if x.grad is None else x.grad.clone()
    with torch.enable_grad():
        x.requires_grad_(True)
        y = f(x)
        if not y.requires_grad:
            x.requires_grad_(was)
            return torch.zeros_like(x)
        y.backward(torch.ones_like(y))
    if before is None:
        grad = x.grad
        x.grad = None
    else:
        grad = x.grad - before
        x.grad.sub_(grad)
    x.requires_grad_(was)
    return grad
