"""Pitfall: no requires_grad at all: backward never computes a gradient for w.
Source: 000, 最简单的深度学习训练代码 (requires_grad=True is what makes autograd track a tensor).
Expect: `w` does not require grad
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403 - the reference, but for what follows


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device)  # ... and no w.requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
