"""Pitfall: training_loop calls `optimizer.step()` before `train_loss.backward()`: each step
Pitfall: finds the gradients cleared (None) and moves nothing, and the last backward is wasted.
Source: the maintainer's own irregular set (issue 19): any run
Expect: the optimizer found no gradient in the params
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        optimizer.zero_grad()
        optimizer.step()  # before the backward: nothing to step on
        train_loss.backward()
        history.append((train_loss.item(), val_loss.item()))
    return params, history
