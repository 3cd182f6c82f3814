"""Right: it writes the pitfall line on purpose (requires_grad first, then scale and convert) and
Right: repairs it with .detach().requires_grad_(), which starts a new leaf; the values are drawn in
Right: float32 and converted, so in float64 they differ from a float64 draw.
Shows on: float64, float16, bfloat16 and meta (the pitfall's conversions are all there, then cut
Shows on: off), a generator used twice.
Source: examiner set (issue 19)
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, generator=generator, requires_grad=True) * std
    w = w.to(dtype=dtype, device=device).detach().requires_grad_()
    b = torch.zeros(1, requires_grad=True).to(dtype=dtype, device=device).detach().requires_grad_()
    return w, b
