"""Pitfall: It builds a fresh graph for each loss (two forward passes through `(x @ w).tanh()`), so
Pitfall: it never needs retain_graph but computes h twice, against "compute h once and use it for
Pitfall: both losses".
Source: examiner set (issue 19): counting the tanh evaluations through every API (a
Source: TorchFunctionMode sees Tensor.tanh): 2; a test that only patches torch.tanh counts 0 and
Source: lets it through.
Expect: h = tanh(x @ w) was computed 2 times
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
    loss_a = ((x @ w).tanh() @ a).pow(2).mean()
    (grad_a,) = torch.autograd.grad(loss_a, w)
    loss_b = ((x @ w).tanh() @ b).abs().mean()
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b