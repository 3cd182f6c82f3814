"""Pitfall: torch's default dtype is switched for the draw and put back to the constant float32, not
Pitfall: to what it was.
Source: examiner set (issue 19): state restored to a constant (a caller whose default dtype is
Source: float64)
Expect: torch's default dtype was float64 before the call and is float32 after it
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    torch.set_default_dtype(dtype)
    w = torch.randn(n_features, 1, generator=generator) * std
    b = torch.zeros(1)
    torch.set_default_dtype(torch.float32)
    w = w.to(device).requires_grad_()
    b = b.to(device).requires_grad_()
    return w, b
