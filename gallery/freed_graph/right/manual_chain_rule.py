"""Right: no graph at all for the two gradients: h computed once under no_grad and the chain rule
Right: written out by hand (sign(z) for abs, 0 at 0); the loop clears `p.grad = None` by hand and
Right: extends the history with `+=`.
Source: examiner set (issue 19)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        for p in model.parameters():
            p.grad = None
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history += [loss.item()]
    return history


def _to_w(x, h, a, grad_z):
    grad_h = grad_z.unsqueeze(-1) * a if a.dim() == 1 else grad_z @ a.T
    grad_pre = grad_h * (1 - h * h)
    return torch.outer(x, grad_pre) if x.dim() == 1 else x.T @ grad_pre


def grads_of_two_losses(x, w, a, b):
    with torch.no_grad():
        h = torch.tanh(x @ w)
        za, zb = h @ a, h @ b
        grad_a = _to_w(x, h, a, 2 * za / za.numel())
        grad_b = _to_w(x, h, b, torch.sign(zb) / zb.numel())
    return grad_a, grad_b