"""Pitfall: the conversion to float32 is skipped as a no-op, but torch.randn makes the default
Pitfall: dtype: a caller whose default is float64 gets float64.
Source: examiner set (issue 19): a caller whose default dtype is float64
Expect: `w` is float64, torch's default dtype here, where dtype=torch.float32 was asked for
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, generator=generator) * std
    b = torch.zeros(1)
    if dtype != torch.float32:
        w, b = w.to(dtype), b.to(dtype)
    w = w.to(device).requires_grad_()
    b = b.to(device).requires_grad_()
    return w, b
