"""Pitfall: `zero_grad` after `backward`: the gradient is wiped before `step()` can use it.
Source: 001, (3)学习机制---Optimizers a la carte (the order zero_grad, backward, step in `training_loop`).
Expect: `zero_grad` after `backward` wipes the gradient
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        loss.backward()
        optimizer.zero_grad()  # clears what backward just computed
        optimizer.step()
    return params
