"""Pitfall: the gradients are cleared by giving every parameter `torch.zeros_like(p)`, frozen ones included, so a frozen parameter's .grad becomes a tensor of zeros instead of staying None.
Source: examiner set (issue 19, second examiner): frozen parameters (requires_grad=False), their .grad after the call
Expect: holds a tensor of zeros after it
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        for p in model.parameters():
            p.grad = torch.zeros_like(p)
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
    return grad_a, grad_b

