"""Pitfall: grad_a is `w.grad` itself, kept without `.clone()`; `w.grad.zero_()` before the second
Pitfall: backward then empties it, and the second backward writes grad_b into it.
Source: the maintainers' own irregular set (issue 19): the identity of the results.
Expect: returned without `.clone()`
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward(retain_graph=True, inputs=[w])
    grad_a = w.grad
    w.grad.zero_()
    loss_b.backward(inputs=[w])
    return grad_a, w.grad
