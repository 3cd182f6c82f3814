"""Pitfall: The gradients are derived by hand, with the derivative of |z| written as z / |z|, which
Pitfall: is 0/0 = nan where z is exactly 0 (torch uses sign(z), which is 0 there).
Source: examiner set (issue 19): an x with a row of zeros (padding): that row gives h = 0 and h @
Source: b = 0, and grad_b is all nan; random inputs never hit 0 exactly.
Expect: the derivative of |z| was written as z / |z|
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


def _back_to_w(x, h, a, gz):
    gh = gz.unsqueeze(-1) * a if a.dim() == 1 else gz @ a.T
    gpre = gh * (1 - h * h)
    return torch.outer(x, gpre) if x.dim() == 1 else x.T @ gpre


def grads_of_two_losses(x, w, a, b):
    with torch.no_grad():
        h = torch.tanh(x @ w)
        za, zb = h @ a, h @ b
        grad_a = _back_to_w(x, h, a, 2 * za / za.numel())
        grad_b = _back_to_w(x, h, b, (zb / zb.abs()) / zb.numel())
    return grad_a, grad_b