"""Pitfall: a uniform draw scaled to the standard deviation asked for: mean and spread right, but
Pitfall: not normal.
Source: examiner set (issue 19, the maintainers' own): values, the shape of the distribution
Expect: no value of `w` lies beyond
Expect: or a uniform draw
"""

import math

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    u = torch.rand(n_features, 1, dtype=dtype, generator=generator) * 2 - 1
    w = (u * std * math.sqrt(3)).to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
