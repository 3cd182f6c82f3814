"""Pitfall: training_loop validates with `calc_forward(..., True)` inside `torch.no_grad()`:
Pitfall: calc_forward switches recording back on, and the validation pass builds a graph.
Source: the maintainer's own irregular set (issue 19): any run
Expect: the validation pass built a graph
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = calc_forward(train_t_u, train_t_c, params, True)
        with torch.no_grad():  # "no_grad wins" - not over set_grad_enabled(True) inside
            val_loss = calc_forward(val_t_u, val_t_c, params, True)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append((train_loss.item(), val_loss.item()))
    return params, history
