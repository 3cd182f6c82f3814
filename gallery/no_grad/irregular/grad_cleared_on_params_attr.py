"""Pitfall: training_loop clears `params.grad` itself instead of calling `optimizer.zero_grad()`: params
Pitfall: given as a tuple or list of tensors has no `.grad`.
Source: the maintainer's own irregular set (issue 19): params as a tuple of two 0-dim tensors
Expect: object has no attribute 'grad'
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        params.grad = None  # "params is a tensor"
        train_loss.backward()
        optimizer.step()
        history.append((train_loss.item(), val_loss.item()))
    return params, history
