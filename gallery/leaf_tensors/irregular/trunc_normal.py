"""Pitfall: nn.init.trunc_normal_ cuts at a=-2, b=2 in absolute value: for a large std it is no
Pitfall: longer N(0, std).
Source: examiner set (issue 19): values, a large std
Expect: the distribution is cut off
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.empty(n_features, 1, dtype=dtype)
    torch.nn.init.trunc_normal_(w, std=std, generator=generator)  # cut at -2 and 2, not at 2 std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
