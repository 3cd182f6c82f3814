"""Pitfall: the starting gradient is torch.ones(y.shape), made on the default device, not beside y.
Source: examiner set (issue 19): a device other than x's (torch's default device set to 'meta')
Expect: A tensor made from a shape alone (`torch.ones(y.shape)`) lives on the default device
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones(y.shape))
    return grad
