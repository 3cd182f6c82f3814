"""Pitfall: b is 0-dim (torch.tensor(0.0)) instead of shape (1,).
Source: examiner set (issue 19): a 0-dim result whose shape the contract fixes
Expect: `b` is 0-dim (shape ())
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.tensor(0.0, dtype=dtype, device=device, requires_grad=True)
    return w, b
