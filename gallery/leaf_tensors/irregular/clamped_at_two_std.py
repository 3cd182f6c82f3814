"""Pitfall: the draw is clamped at two standard deviations: no longer N(0, std).
Source: examiner set (issue 19, the maintainers' own): values, the tails of the distribution
Expect: the draw was clamped
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator).clamp(-2, 2) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
