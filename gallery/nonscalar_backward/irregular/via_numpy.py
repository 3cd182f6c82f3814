"""Pitfall: the leaf is built through NumPy: refused for an x that requires grad and for bfloat16,
Pitfall: and made on the default device.
Source: examiner set (issue 19): a bfloat16 x, an x that requires grad
Expect: NumPy has no bfloat16
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = torch.tensor(x.numpy(), requires_grad=True)
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
