"""Pitfall: training_loop returns the history as a generator of pairs, which can be read once only.
Source: the maintainer's own irregular set (issue 19): any run
Expect: a generator or a map can be read only once
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    losses = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        losses.append((train_loss, val_loss))
    return params, ((t.item(), v.item()) for t, v in losses)
