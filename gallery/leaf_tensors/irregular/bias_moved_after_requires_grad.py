"""Pitfall: b is made requires_grad on the CPU and then moved with .to(device): on any other device
Pitfall: it is a recorded copy, no leaf.
Source: examiner set (issue 19): device='meta' (a device other than the CPU)
Expect: requires_grad was set before a dtype or device conversion
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, requires_grad=True).to(device)
    return w, b
