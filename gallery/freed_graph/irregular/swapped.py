"""Pitfall: The pair is returned in the order the gradients were taken, loss_b's first.
Source: the maintainers' own irregular set (issue 19): the order of the results.
Expect: grad_a and grad_b are swapped
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_b,) = torch.autograd.grad(loss_b, w, retain_graph=True)
    (grad_a,) = torch.autograd.grad(loss_a, w)
    return grad_b, grad_a
