"""Right: its w is a perfectly good N(0, std) sample, reproducible from the seed, but not the same
Right: numbers as torch.randn(..., dtype=dtype, generator=g) * std; a test that compares with that
Right: one draw would reject it, wrongly (the contract asks for a normal draw, not for one
Right: sequence).
Shows on: float16 and bfloat16 (the draw and the scaling are done in float64 and rounded once),
Shows on: equally seeded generators, a generator used twice, meta.
Source: examiner set (issue 19)
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=torch.float64, generator=generator) * std
    w = w.to(dtype=dtype, device=device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
