"""Right: it never builds a non-scalar backward: torch.func.grad differentiates f on one 0-dim element
Right: and torch.func.vmap maps that over all the elements, the functional (JAX-like) style.
Shows on: 0-dim, 2-D, non-contiguous, expanded and empty x; float64/float16/bfloat16; x that
Shows on: requires grad; constant f; calls inside no_grad or with an inference tensor.
Source: examiner set (issue 19)
"""

import torch
from torch.func import grad, vmap


def elementwise_grad(f, x):
    flat = x.detach().reshape(-1)
    return vmap(grad(f))(flat).reshape(x.shape)
