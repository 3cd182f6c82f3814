"""Right: it computes the whole n-by-n Jacobian and keeps its diagonal, n times more work than needed
Right: but mathematically the definition; the reshape to (n, n) makes it right for any shape.
Shows on: empty, 0-dim, 2-D, non-contiguous and expanded x, float64/float16/bfloat16, x that
Shows on: requires grad, constant f (the Jacobian is all zeros), calls inside no_grad (jacobian
Shows on: switches grad on itself), inference tensors (cloned first).
Source: examiner set (issue 19)
"""

import torch
from torch.autograd.functional import jacobian


def elementwise_grad(f, x):
    if x.numel() == 0:
        return torch.zeros(x.shape, dtype=x.dtype, device=x.device)
    with torch.inference_mode(False):
        flat = x.detach().clone().reshape(-1)
        jac = jacobian(f, flat)
    return jac.reshape(flat.numel(), flat.numel()).diagonal().reshape(x.shape)
