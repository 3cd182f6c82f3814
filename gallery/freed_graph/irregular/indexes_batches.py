"""Pitfall: It walks the batches by index (`batches[i]` for i in range(len(batches))), which only
Pitfall: works for a list: a DataLoader has no indexing and a generator has neither len nor
Pitfall: indexing.
Source: examiner set (issue 19): batches given as a torch.utils.data.DataLoader, or as a
Source: generator; a list of (X, y) works.
Expect: it can be walked, once, and nothing more
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for i in range(len(batches)):
        X, y = batches[i]
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
    return grad_a, grad_b