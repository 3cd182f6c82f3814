"""Pitfall: without a generator a fresh torch.Generator() is made, which always starts from the same
Pitfall: seed: every call gives the same w.
Source: examiner set (issue 19, the maintainers' own): randomness, no generator given
Expect: two calls without a generator gave the same w
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if generator is None:
        generator = torch.Generator()
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
