"""Pitfall: grad mode switched on with torch.set_grad_enabled(True) and never put back: a caller
Pitfall: inside no_grad finds it on.
Source: examiner set (issue 19, the maintainers' own): state, a caller inside torch.no_grad()
Expect: grad mode was off before the call and is on after it
"""

import torch


def elementwise_grad(f, x):
    torch.set_grad_enabled(True)
    leaf = x.detach().requires_grad_()
    y = f(leaf)
    if not y.requires_grad:
        return torch.zeros_like(leaf)
    (grad,) = torch.autograd.grad(y.sum(), leaf)
    return grad
