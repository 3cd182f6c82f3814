"""Pitfall: The history holds `loss.detach().numpy()`, 0-dim NumPy arrays (float32 for a float32
Pitfall: model), not Python floats.
Source: examiner set (issue 19): any call checked with isinstance(h, float) or
Source: json.dumps(history); approximate comparisons of the values pass.
Expect: is a NumPy ndarray
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.detach().numpy())
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b