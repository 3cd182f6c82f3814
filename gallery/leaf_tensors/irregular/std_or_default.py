"""Pitfall: `std = std or 0.01` replaces a deliberate std=0 by the default.
Source: examiner set (issue 19): values, std=0
Expect: the 0 was replaced by the default
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    std = std or 0.01
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
