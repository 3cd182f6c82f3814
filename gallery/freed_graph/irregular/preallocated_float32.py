"""Pitfall: The losses are stored in a preallocated float32 tensor and returned with .tolist(), so
Pitfall: the losses of a float64 model are rounded to float32 (relative error about 1e-8), and a
Pitfall: generator of batches has no len().
Source: examiner set (issue 19): a float64 model and data (the logged losses differ from
Source: loss.item() in the 8th digit); also batches given as a generator.
Expect: it can be walked, once, and nothing more
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    losses = torch.zeros(len(batches))
    for i, (X, y) in enumerate(batches):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses[i] = loss.item()
    return losses.tolist()


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b