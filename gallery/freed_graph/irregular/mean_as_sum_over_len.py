"""Pitfall: The means are written as `.sum() / len(x)`, which is the mean only when h @ a is a
Pitfall: vector: for a matrix `a` (several outputs) the loss, and its gradient, are too large by
Pitfall: the number of columns.
Source: examiner set (issue 19): a and b given as matrices, e.g. of shape (k, 3): both gradients
Source: come out 3 times too large; vectors a, b give the right answer.
Expect: the mean was taken as `.sum() / len(x)`
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
    loss_a = (h @ a).pow(2).sum() / len(x)
    loss_b = (h @ b).abs().sum() / len(x)
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b