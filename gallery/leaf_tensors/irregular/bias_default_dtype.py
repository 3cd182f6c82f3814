"""Pitfall: b is made without dtype=, so it is float32 whatever dtype was asked for (w has it).
Source: examiner set (issue 19): a float64 (or float16, bfloat16) request
Expect: `b` is float32, torch's default dtype here
Expect: the dtype asked for never reached it
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, device=device, requires_grad=True)
    return w, b
