"""Pitfall: x flattened with .view(-1), which a transposed, sliced or expanded x refuses.
Source: examiner set (issue 19): a non-contiguous x
Expect: view size is not compatible
Expect: `.view()` on a tensor that is not contiguous
"""

import torch


def elementwise_grad(f, x):
    flat = x.detach().view(-1)
    out = torch.empty_like(flat)
    for i in range(flat.numel()):
        with torch.inference_mode(False), torch.enable_grad():
            xi = flat[i].clone().requires_grad_()
            yi = f(xi)
            out[i] = torch.autograd.grad(yi, xi)[0] if yi.requires_grad else 0.0
    return out.view(x.shape)
