"""Pitfall: only torch.float64 triggers a conversion: float16 and bfloat16 requests come back
Pitfall: float32.
Source: examiner set (issue 19): a float16 (or bfloat16) request
Expect: where dtype=torch.float16 was asked for
Expect: the dtype asked for never reached it
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, generator=generator) * std
    b = torch.zeros(1)
    if dtype == torch.float64:
        w, b = w.double(), b.double()
    w = w.to(device).requires_grad_()
    b = b.to(device).requires_grad_()
    return w, b
