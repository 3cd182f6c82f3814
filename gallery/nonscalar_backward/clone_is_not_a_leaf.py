"""Pitfall: a working copy made with `x.clone()`: when x requires grad the clone is no leaf (it has
Pitfall: a grad_fn, CloneBackward0), so its `.grad` stays None and the gradient goes into x.grad.
Source: 002, 自动求导尝试 (requires_grad, grad_fn and leaves: only leaves keep `.grad`).
Expect: is not a leaf: it is the result of an operation (CloneBackward0)
"""

import torch


def elementwise_grad(f, x):
    x = x.clone().requires_grad_()  # a leaf only when x itself needs no grad
    with torch.enable_grad():
        y = f(x)
        if not y.requires_grad:
            return torch.zeros_like(x)
        y.backward(torch.ones_like(y))
    return x.grad
