"""Pitfall: It lets the second backward add onto the first and recovers grad_b as w.grad - grad_a,
Pitfall: which cancels catastrophically in float32 when grad_a is much larger than grad_b.
Source: examiner set (issue 19): a large `a` and a small `b` (a scaled by 1e3 and b by 1e-3, so
Source: grad_a is about 1e9 times grad_b): grad_b comes out as all zeros; with a and b of similar
Source: size it is right to about 1e-7.
Expect: grad_b lost its digits to grad_a
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
    w.grad = None
    loss_a.backward(retain_graph=True)
    grad_a = w.grad.clone()
    loss_b.backward()
    grad_b = w.grad - grad_a
    return grad_a, grad_b