"""Pitfall: `torch.randn(..., requires_grad=True) * std`: a product, no leaf; `.grad` stays None.
Source: 000, 最简单的深度学习训练代码 (a tensor you create is a leaf; what is computed from one that
Source: requires grad requires grad too, and is no leaf).
Expect: `w` is not a leaf: it is the result of an operation
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403 - the reference, but for what follows


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator, requires_grad=True) * std
    w = w.to(device)  # the gradient now goes to the tensor before `* std`, which nobody holds
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
