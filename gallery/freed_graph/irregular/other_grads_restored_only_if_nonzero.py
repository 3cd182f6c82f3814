"""Pitfall: both gradients are taken with backward, and the .grad of x, a and b put back afterwards only where it held something other than zeros; a .grad of zeros comes back as None.
Source: the maintainer's own irregular set (issue 19): inputs whose .grad was None vs zeros before the call
Expect: held zeros before the call and is None after it
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
    others = [t for t in (x, a, b) if t.is_leaf and t.requires_grad]
    saved = [t.grad.clone() if t.grad is not None and t.grad.any() else None for t in others]
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward(retain_graph=True)
    grad_a = w.grad.clone()
    w.grad = None
    loss_b.backward()
    grad_b = w.grad.clone()
    for t, g in zip(others, saved):
        t.grad = g  # None where nothing worth keeping was there
    return grad_a, grad_b
