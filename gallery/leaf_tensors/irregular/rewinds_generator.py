"""Pitfall: the generator is reseeded with its own initial seed before the draw, which rewinds the
Pitfall: caller's generator: every call gives the same w.
Source: examiner set (issue 19, the maintainers' own): randomness, one generator used for two
Source: calls
Expect: although the first call had moved the generator on
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if generator is not None:
        generator.manual_seed(generator.initial_seed())
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
