"""Pitfall: the gradient is taken with torch.autograd.grad(allow_unused=True) and written only where
Pitfall: it is not None: a parameter the loss does not reach keeps its old gradient.
Source: the maintainer's own irregular set (issue 19): a model with a layer its forward never
Source: calls, and old gradients in .grad.
Expect: a parameter the loss does not reach, still holds its old gradient
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(n_epochs):
        w, b = params
        loss = ((w * t_u + b - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    trainable = [p for p in model.parameters() if p.requires_grad]
    n = sum(len(X) for X, _ in micro_batches)
    total = sum(loss_fn(model(X), y) * (len(X) / n) for X, y in micro_batches)
    for p, g in zip(trainable, torch.autograd.grad(total, trainable, allow_unused=True)):
        if g is not None:
            p.grad = g  # an unused parameter keeps whatever it held
