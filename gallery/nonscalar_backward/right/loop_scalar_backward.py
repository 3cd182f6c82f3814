"""Right: it avoids the non-scalar backward entirely: one fresh 0-dim leaf per element and a plain
Right: scalar .backward(), exactly as the articles' first autograd examples do, only in a loop.
Shows on: 0-dim, 2-D, non-contiguous and expanded x, float64/float16/bfloat16, x that requires grad,
Shows on: constant f, calls inside no_grad, inference tensors.
Source: examiner set (issue 19)
"""

import torch


def elementwise_grad(f, x):
    flat = x.detach().reshape(-1)
    out = torch.zeros_like(flat)
    for i in range(flat.numel()):
        with torch.inference_mode(False), torch.enable_grad():
            xi = flat[i].clone().requires_grad_()
            yi = f(xi)
            if yi.requires_grad:
                yi.backward()
                out[i] = xi.grad
    return out.reshape(x.shape)
