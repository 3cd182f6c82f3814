"""Pitfall: It takes both gradients through w.grad, clearing it only between the two backwards, so
Pitfall: whatever w.grad held before the call is added into grad_a.
Source: examiner set (issue 19): a w whose .grad already holds something (a second call with the
Source: same w, since this answer leaves grad_b in w.grad).
Expect: what `w.grad` held before the call
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
    loss_a.backward(retain_graph=True)
    grad_a = w.grad.clone()
    w.grad.zero_()
    loss_b.backward()
    grad_b = w.grad.clone()
    return grad_a, grad_b