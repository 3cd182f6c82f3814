"""Pitfall: Each gradient is taken with torch.func.grad of its own loss function, so h = tanh(x @ w)
Pitfall: is computed twice (two forward passes), against "compute h once and use it for both
Pitfall: losses".
Source: examiner set (issue 19): counting the tanh evaluations of one call (torch.tanh patched, or
Source: a TorchFunctionMode): 2 instead of 1; the values are right.
Expect: h = tanh(x @ w) was computed 2 times
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
    def loss_a_of(w_):
        h = torch.tanh(x @ w_)
        return (h @ a).pow(2).mean()

    def loss_b_of(w_):
        h = torch.tanh(x @ w_)
        return (h @ b).abs().mean()

    w0 = w.detach()
    return torch.func.grad(loss_a_of)(w0), torch.func.grad(loss_b_of)(w0)