"""Pitfall: The two gradients come from `backward()` (w.grad set aside, cleared, put back), but
Pitfall: without `inputs=[w]`: the backward goes on past w and fills the .grad of x, a and b, and of
Pitfall: the leaves behind x, when they require grad.
Source: the maintainers' own irregular set (issue 19): x, a and b that require grad.
Expect: the .grad of x changed during the call
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    saved = w.grad
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward(retain_graph=True)
    grad_a = w.grad
    w.grad = None
    loss_b.backward()
    grad_b = w.grad
    w.grad = saved
    return grad_a, grad_b
