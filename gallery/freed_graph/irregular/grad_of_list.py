"""Pitfall: One call `torch.autograd.grad([loss_a, loss_b], [w, w])` returns, for each input, the
Pitfall: gradient of the SUM of the outputs, so both results are grad_a + grad_b: outputs and
Pitfall: inputs are not paired.
Source: examiner set (issue 19): any input: both results are equal (to the sum of the two
Source: gradients).
Expect: the gradient of the sum, not one gradient each
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
    grad_a, grad_b = torch.autograd.grad([loss_a, loss_b], [w, w])
    return grad_a, grad_b