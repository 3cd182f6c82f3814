"""Pitfall: std is read as a variance: the spread is sqrt(std).
Source: examiner set (issue 19): values, std far from 1
Expect: `std` was read as a variance
"""

import math

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * math.sqrt(std)
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
