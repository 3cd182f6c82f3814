"""Pitfall: the weights drawn flat, marked, then shaped into a column: `.reshape(-1, 1)` of a tensor
Pitfall: that requires grad is a view autograd records, no leaf; `.grad` stays None.
Source: 000, 最简单的深度学习训练代码 (a tensor you create is a leaf; what is computed from one that
Source: requires grad requires grad too, and is no leaf).
Expect: `w` is not a leaf: it is the result of an operation (ViewBackward0)
Expect: it is a view of it
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403 - the reference, but for what follows


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    w = w.reshape(-1, 1)  # the column (n_features, 1), but a view: no longer the leaf
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
