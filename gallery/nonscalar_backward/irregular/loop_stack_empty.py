"""Pitfall: each element's derivative is taken one at a time and joined with `torch.stack`, which
Pitfall: refuses the empty list an empty x gives.
Source: examiner set (issue 19): values (an empty x)
Expect: x is empty
Expect: `torch.stack` refuses an empty list
"""

import torch

from solutions.nonscalar_backward import *  # noqa: F401,F403


def elementwise_grad(f, x):
    leaf = x.detach().reshape(-1).requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(x)
        parts = [torch.autograd.grad(y[i], leaf, retain_graph=True)[0][i]
                 for i in range(leaf.numel())]
    return torch.stack(parts).reshape(x.shape)
