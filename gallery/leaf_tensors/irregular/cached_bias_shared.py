"""Pitfall: one zero bias per (dtype, device) is cached in a module-level dict: two models made side
Pitfall: by side share b.
Source: examiner set (issue 19): state, two calls (two models side by side)
Expect: b of call 1 and b of call 2 are the same object
"""

import torch

_biases = {}


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    key = (dtype, str(device))
    if key not in _biases:
        _biases[key] = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    b = _biases[key]
    return w, b
