"""Right: `float(loss)` in the history (PyTorch warns about requires_grad, the value is right); h
Right: made with the method `(x @ w).tanh()` and `.square()`.
Source: examiner set (issue 19)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(float(loss))
    return history


def grads_of_two_losses(x, w, a, b):
    h = (x @ w).tanh()
    loss_a = (h @ a).square().mean()
    loss_b = (h @ b).abs().mean()
    grad_a = torch.autograd.grad(loss_a, [w], retain_graph=True)[0]
    grad_b = torch.autograd.grad(loss_b, [w])[0]
    return grad_a, grad_b