"""Pitfall: The gradients are cleared after each step instead of before each backward, so whatever
Pitfall: .grad held when the function was called is added into the first step.
Source: examiner set (issue 19): a model whose parameters already hold gradients when the function
Source: is called (left by an earlier check or call): the first step, and every later loss,
Source: differ.
Expect: a `backward()` ran while `.grad` still held an earlier gradient
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        history.append(loss.item())
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b