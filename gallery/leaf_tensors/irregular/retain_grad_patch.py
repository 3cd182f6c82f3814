"""Pitfall: w is scaled after requires_grad_() and the missing .grad is patched with retain_grad():
Pitfall: backward fills it once, but w is still no leaf.
Source: examiner set (issue 19): autograd, a second training step
Expect: `w` is not a leaf: it is the result of an operation (MulBackward0)
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator).to(device).requires_grad_()
    w = w * std  # a product: no leaf ...
    w.retain_grad()  # ... whose .grad backward now fills, once
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
