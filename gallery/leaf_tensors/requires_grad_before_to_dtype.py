"""Pitfall: requires_grad set before `.to(dtype)`: a new, non-leaf tensor (float32 hides it).
Source: 000, 最简单的深度学习训练代码 (leaves are the tensors you create yourself).
Expect: requires_grad was set before a dtype or device conversion
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403 - the reference, but for what follows


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = (torch.randn(n_features, 1, generator=generator) * std).to(device).requires_grad_()
    w = w.to(dtype)  # the same tensor for float32, a recorded copy for float64
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
