"""Pitfall: h @ a is written `(h * a).sum(-1)`, which works only when a and b are vectors: with
Pitfall: several outputs (a of shape (k, m)) it fails.
Source: the maintainers' own irregular set (issue 19): matrices a and b.
Expect: grads_of_two_losses raised RuntimeError
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h * a).sum(-1).pow(2).mean()
    loss_b = (h * b).sum(-1).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b
