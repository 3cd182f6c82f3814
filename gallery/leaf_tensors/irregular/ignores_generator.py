"""Pitfall: w is drawn with torch.normal(0, std, ...) and no generator=: the generator is ignored.
Source: examiner set (issue 19, the maintainers' own): randomness, the global generator used
Source: instead of the one given
Expect: w is drawn from the global generator, not from `generator`
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.normal(0.0, std, size=(n_features, 1), dtype=dtype).to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
