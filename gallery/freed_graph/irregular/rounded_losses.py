"""Pitfall: Each logged loss is rounded to 4 decimals, so small losses lose their digits (a loss of
Pitfall: 3e-5 is logged as 0.0) and no value is the exact loss of its batch.
Source: examiner set (issue 19): batches whose loss is small (below about 1e-3), or any comparison
Source: tighter than 1e-4.
Expect: rounded to 4 decimals
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(round(loss.item(), 4))
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b