"""Pitfall: y reduced with y.mean() instead of y.sum(): every derivative divided by the number of
Pitfall: elements.
Source: examiner set (issue 19): any x of more than one element
Expect: every derivative is divided by the number of elements of x
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y.mean(), leaf)
    return grad
