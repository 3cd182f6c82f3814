"""Pitfall: requires_grad set before `.to(device)`: the copy is a new tensor, and no leaf.
Source: 000, 最简单的深度学习训练代码 (leaves are the tensors you create yourself);
Source: the device moves of the MNIST example in 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼).
Expect: requires_grad was set before a dtype or device conversion
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403 - the reference, but for what follows


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = (torch.randn(n_features, 1, dtype=dtype, generator=generator) * std).requires_grad_()
    w = w.to(device)  # a copy that autograd records (ToCopyBackward0): no leaf on a GPU
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
