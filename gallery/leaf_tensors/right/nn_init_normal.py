"""Right: it fills an empty tensor with nn.init.normal_(..., generator=...) instead of scaling randn
Right: (the numbers differ from randn * std in the last bits), and it sets requires_grad through the
Right: attribute rather than requires_grad_().
Shows on: every dtype of the checks, meta and torch.device objects, a generator used twice, std=0
Shows on: and std=10.
Source: examiner set (issue 19)
"""

import torch
from torch import nn


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = nn.init.normal_(torch.empty(n_features, 1, dtype=dtype), mean=0.0, std=std, generator=generator)
    w = w.to(device)
    w.requires_grad = True
    b = torch.zeros(1, dtype=dtype, device=device)
    b.requires_grad = True
    return w, b
