"""Pitfall: grad mode is switched off with set_grad_enabled(False) and back on with
Pitfall: set_grad_enabled(True), a constant: a caller inside no_grad finds it on.
Source: examiner set (issue 19, the maintainers' own): state restored to a constant (a caller
Source: inside torch.no_grad())
Expect: grad mode was off before the call and is on after it
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    torch.set_grad_enabled(False)
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    torch.set_grad_enabled(True)
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
