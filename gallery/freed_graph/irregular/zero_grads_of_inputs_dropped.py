"""Pitfall: after both gradients, a .grad of x, a or b that holds only zeros is set to None ("a gradient of zeros is as good as none"), which is not this function's to touch.
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
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    for t in (x, a, b):  # tidy up: a gradient of zeros is as good as none
        if t.is_leaf and t.grad is not None and not t.grad.any():
            t.grad = None
    return grad_a, grad_b
