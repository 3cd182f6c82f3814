"""Pitfall: `loss.backward(retain_graph=True)` keeps every batch's saved activations until the next
Pitfall: batch's loss replaces it, so each graph outlives its own step (twice the activation
Pitfall: memory during the next forward).
Source: examiner set (issue 19): counting, at the start of each forward, the saved tensors of
Source: earlier batches that are still alive (saved_tensors_hooks with weak references): none for
Source: the right loop, the whole previous graph here.
Expect: `backward(retain_graph=True)` keeps them
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward(retain_graph=True)
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