"""Pitfall: an element loop over x flattened, returning the flat vector: a 2-D or 0-dim x gets the
Pitfall: wrong shape.
Source: examiner set (issue 19): a 2-D x, a 0-dim x
Expect: the result is flat
"""

import torch


def elementwise_grad(f, x):
    flat = x.detach().reshape(-1)
    out = torch.empty_like(flat)
    for i in range(flat.numel()):
        with torch.inference_mode(False), torch.enable_grad():
            xi = flat[i].clone().requires_grad_()
            yi = f(xi)
            out[i] = torch.autograd.grad(yi, xi)[0] if yi.requires_grad else 0.0
    return out
