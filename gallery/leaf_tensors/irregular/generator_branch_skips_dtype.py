"""Pitfall: the branch that draws with the generator forgets dtype and device: a generator with
Pitfall: dtype=float64 gives a float32 w.
Source: examiner set (issue 19): a generator together with another dtype or device
Expect: `w` is float32, torch's default dtype here, where dtype=torch.float64 was asked for
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if generator is not None:
        w = torch.randn(n_features, 1, generator=generator)
    else:
        w = torch.randn(n_features, 1, dtype=dtype, device=device)
    w = (w * std).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
