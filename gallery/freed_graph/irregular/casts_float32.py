"""Pitfall: It casts x, w, a and b to float32 before the forward pass, so float64 inputs get
Pitfall: gradients with float32 accuracy (relative error about 1e-7 instead of 1e-16).
Source: examiner set (issue 19): float64 x, w, a, b: the gradients are float64 again (autograd
Source: casts them back) but only 7 digits are right.
Expect: right only to float32's precision, not to float64's
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
    h = torch.tanh(x.float() @ w.float())
    loss_a = (h @ a.float()).pow(2).mean()
    loss_b = (h @ b.float()).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b