"""Pitfall: the answer written into out.flatten(), a copy when out is not contiguous: a transposed x
Pitfall: gets zeros.
Source: examiner set (issue 19, the maintainers' own): a transposed (non-contiguous) x
Expect: every derivative came back 0 for this transposed (non-contiguous) x
"""

import torch


def elementwise_grad(f, x):
    out = torch.zeros_like(x)
    flat_out = out.flatten()
    flat_x = x.detach().flatten()
    for i in range(flat_x.numel()):
        xi = flat_x[i].clone().requires_grad_()
        with torch.enable_grad():
            yi = f(xi)
            if yi.requires_grad:
                (g,) = torch.autograd.grad(yi, xi)
                flat_out[i] = g
    return out
