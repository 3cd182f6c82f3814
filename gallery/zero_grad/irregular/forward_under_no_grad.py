"""Pitfall: the forward pass runs under `torch.no_grad()` (copied from an evaluation loop): the loss
Pitfall: has no graph and `backward()` raises.
Source: the maintainer's own irregular set (issue 19): any run of one step or more.
Expect: The loss has no graph
"""

import torch

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        with torch.no_grad():
            loss = loss_fn(model(t_u, *params), t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
