"""Pitfall: the second gradient accumulated onto the first in `w.grad`.
Source: 001, (3)学习机制---Optimizers a la carte ("calling backward on val_loss would lead to gradients accumulating in the params tensor, on top of those generated during the train_loss.backward() call").
Expect: the second gradient accumulated onto the first
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for the lines below


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward(retain_graph=True)
    grad_a = w.grad.clone()
    loss_b.backward()  # adds onto what loss_a left in w.grad
    return grad_a, w.grad
