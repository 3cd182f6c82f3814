"""Pitfall: The last loss tensor is kept in a module-level variable "for debugging", so after the
Pitfall: call a loss tensor (with its grad_fn and graph nodes) is still alive, against "nothing
Pitfall: you keep may hold on to a loss tensor".
Source: examiner set (issue 19): after the call, a weak reference to the last batch's loss tensor
Source: is still alive (LAST_LOSS.grad_fn is not None); the returned floats are right.
Expect: kept outside the history
"""

import torch


LAST_LOSS = None


def train_logging_losses(model, optimizer, loss_fn, batches):
    global LAST_LOSS
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        LAST_LOSS = loss
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b