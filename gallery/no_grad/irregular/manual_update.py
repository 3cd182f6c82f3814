"""Pitfall: training_loop updates the params by hand with the optimizer's lr, ignoring its kind and
Pitfall: state (momentum, Adam).
Source: the maintainer's own irregular set (issue 19): an optimizer other than plain SGD
Expect: `optimizer.step()` was never called
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    lr = optimizer.param_groups[0]["lr"]
    tensors = [p for group in optimizer.param_groups for p in group["params"]]
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        optimizer.zero_grad()
        train_loss.backward()
        with torch.no_grad():
            for p in tensors:
                p -= lr * p.grad
        history.append((train_loss.item(), val_loss.item()))
    return params, history
