"""Pitfall: A batch whose loss is not finite is skipped (no step, nothing logged), so the history no
Pitfall: longer has one entry per batch and the caller never sees the inf or nan.
Source: examiner set (issue 19): a batch whose loss is inf or nan (an input holding an inf): the
Source: history is one entry short and the parameters differ from the plain loop's.
Expect: was skipped (no step, nothing logged)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        if not torch.isfinite(loss):
            continue
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b