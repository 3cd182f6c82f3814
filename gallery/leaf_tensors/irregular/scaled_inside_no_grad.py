"""Pitfall: torch.randn(..., requires_grad=True) * std computed under torch.no_grad(): the product
Pitfall: does not require grad at all.
Source: examiner set (issue 19, the maintainers' own): autograd, grad mode off
Expect: `w` does not require grad
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    with torch.no_grad():
        w = torch.randn(n_features, 1, dtype=dtype, generator=generator, requires_grad=True) * std
    w = w.to(device)
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
