"""Pitfall: init_params memoised with functools.lru_cache: a second call with the same generator
Pitfall: returns the very same tensors.
Source: examiner set (issue 19, the maintainers' own): state, a function called twice
Expect: returned the very same `w` object as the first
"""

import functools

import torch


@functools.lru_cache(maxsize=None)
def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
