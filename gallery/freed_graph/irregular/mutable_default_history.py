"""Pitfall: The history is an optional keyword argument with a mutable default `[]`, which Python
Pitfall: creates once, so a second call returns the losses of the first call too.
Source: examiner set (issue 19): a second call of the function (a second epoch, or a second test
Source: in the same process): its list starts with the first call's losses.
Expect: was kept from one call to the next
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches, history=[]):
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
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b