"""Pitfall: The computation is done in float64 "for accuracy" and the gradients returned as they
Pitfall: come: float64 gradients for a float32 w.
Source: the maintainers' own irregular set (issue 19): float32 inputs.
Expect: of w's dtype
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    x, a, b = x.double(), a.double(), b.double()
    w64 = w.detach().double().requires_grad_()
    h = torch.tanh(x @ w64)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w64, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w64)
    return grad_a, grad_b
