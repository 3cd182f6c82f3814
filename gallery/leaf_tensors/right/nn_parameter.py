"""Right: it returns nn.Parameter objects (a Tensor subclass that is a leaf and requires grad by
Right: construction) instead of plain tensors; a test that checks `type(w) is torch.Tensor` would
Right: reject it, wrongly.
Shows on: float64/float16/bfloat16, device="meta" and torch.device objects, a generator used twice,
Shows on: std=0 and large std, a caller whose default dtype is float64.
Source: examiner set (issue 19)
"""

import torch
from torch import nn


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = nn.Parameter(w.to(device))
    b = nn.Parameter(torch.zeros(1, dtype=dtype, device=device))
    return w, b
