"""Pitfall: the gradients are cleared by giving every parameter that requires grad `torch.zeros_like(p)`: frozen ones keep None, but a parameter the forward pass never reads gets a .grad of zeros where it had None.
Source: the maintainer's own irregular set (issue 19): parameters unused by the loss, their .grad after the call
Expect: holds a tensor of zeros after it
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        for p in model.parameters():
            if p.requires_grad:
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

