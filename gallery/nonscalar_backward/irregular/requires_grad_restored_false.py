"""Pitfall: works on the caller's x, switching requires_grad on and back to the constant False: a
Pitfall: parameter stops requiring grad, a non-leaf x raises.
Source: examiner set (issue 19): an x that requires grad (state restored to a constant)
Expect: elementwise_grad changes the `requires_grad` flag of the caller's x
Expect: x no longer requires grad after the call
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        x.requires_grad_(True)
        y = f(x)
        if not y.requires_grad:
            grad = torch.zeros_like(x)
        else:
            (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
        x.requires_grad_(False)
    return grad
