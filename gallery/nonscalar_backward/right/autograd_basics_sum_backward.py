"""Right: the article's autograd basics done right: a tensor of its own with requires_grad=True (as
Right: its `torch.ones(3, 2, requires_grad=True)`), f of it, `y = y.sum()` because only a scalar
Right: can start a backward, then `.backward()` and the leaf's `.grad`. The leaf is a detached
Right: clone (x's own flag and .grad untouched, a fresh `.grad` every call), grad mode switched on
Right: for the caller inside `torch.no_grad()`, and a constant f, whose sum has no graph, gives 0.
Source: 002, 自动求导尝试, done right
"""

import torch


def elementwise_grad(f, x):
    x_own = x.detach().clone().requires_grad_(True)  # a leaf of our own: its .grad starts empty
    with torch.enable_grad():
        y = f(x_own)
        y = y.sum()  # a scalar: backpropagation starts from one number
        if not y.requires_grad:  # f did not use its input: nothing to differentiate
            return torch.zeros_like(x)
        y.backward()
    return x_own.grad
