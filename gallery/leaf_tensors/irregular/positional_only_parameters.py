"""Pitfall: n_features made positional-only (`def init_params(n_features, /, std=0.01, ...)`): a
caller that passes `n_features=` by name gets a TypeError.
Source: examiner set (issue 19, the maintainers' own): the contract's names, passed by name (a
Source: mutant of the reference that survived the tests)
Expect: init_params refused its arguments passed by name
"""

import torch


def init_params(n_features, /, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device)
    w.requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
