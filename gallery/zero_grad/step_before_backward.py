"""Pitfall: `optimizer.step()` called before `loss.backward()`: each step finds `.grad` cleared
Pitfall: by zero_grad() (or holding the previous epoch's gradient), so the parameters never move.
Source: 001, (3)学习机制---Optimizers a la carte (the loop's order: zero_grad, backward, step).
Expect: `step()` is called before `backward()`
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)

        optimizer.zero_grad()
        optimizer.step()  # before the backward: nothing to step along yet
        loss.backward()
    return params
