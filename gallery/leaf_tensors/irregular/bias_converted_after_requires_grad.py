"""Pitfall: b is made requires_grad in float32 and then converted with .to(dtype, device): in
Pitfall: float64 it is a recorded copy, no leaf.
Source: examiner set (issue 19, the maintainers' own): a float64 request (float32 hides it)
Expect: requires_grad was set before a dtype or device conversion
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, requires_grad=True).to(dtype=dtype, device=device)
    return w, b
