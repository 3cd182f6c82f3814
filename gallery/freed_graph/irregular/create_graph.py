"""Pitfall: The first gradient is taken with create_graph=True (taken for retain_graph), so grad_a is
Pitfall: itself part of a graph: it requires grad and keeps x, h and w's graph alive for as long
Pitfall: as the caller holds it.
Source: examiner set (issue 19): checking the results: grad_a.requires_grad is True and
Source: grad_a.grad_fn is not None (grad_a.numpy() raises); the values are right.
Expect: grad_a requires grad
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, create_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b