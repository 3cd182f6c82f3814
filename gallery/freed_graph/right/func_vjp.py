"""Right: torch.func: one `vjp` through the shared h = tanh(x @ w) and `torch.func.grad` of each
Right: small loss of h, on detached inputs; the loop deletes its loss each step.
Source: examiner set (issue 19)
"""

import torch
from torch.func import grad, vjp


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for _, (X, y) in enumerate(batches):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        del loss
    return history


def grads_of_two_losses(x, w, a, b):
    x, w, a, b = (t.detach() for t in (x, w, a, b))
    h, pullback = vjp(lambda w_: torch.tanh(x @ w_), w)
    grad_h_a = grad(lambda h_: (h_ @ a).pow(2).mean())(h)
    grad_h_b = grad(lambda h_: (h_ @ b).abs().mean())(h)
    (grad_a,) = pullback(grad_h_a)
    (grad_b,) = pullback(grad_h_b)
    return grad_a, grad_b