"""Pitfall: the second backward without `retain_graph` through the shared part of the graph.
Source: 003, notes on 《动手学深度学习》 linear regression ("Specify retain_graph=True when calling backward the first time").
Expect: the second backward without `retain_graph`
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for the lines below


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward()  # frees what the graph through h saved
    grad_a = w.grad.clone()
    w.grad = None
    loss_b.backward()  # needs that part of the graph again
    return grad_a, w.grad
