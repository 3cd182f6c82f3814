"""Pitfall: Both losses are summed (`.sum()`) instead of averaged: every gradient is as many times
Pitfall: too large as h @ a has elements.
Source: the maintainers' own irregular set (issue 19): the reduction of the losses.
Expect: the loss was summed (`.sum()`)
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).sum()
    loss_b = (h @ b).abs().sum()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b
