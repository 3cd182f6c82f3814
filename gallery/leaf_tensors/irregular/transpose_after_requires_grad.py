"""Pitfall: w is drawn as a row, made to require grad, then transposed: .T is a recorded view, no
Pitfall: leaf.
Source: examiner set (issue 19): autograd, another view than the catalog's reshape
Expect: `w` is not a leaf
Expect: it is a view of it
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(1, n_features, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_().T
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
