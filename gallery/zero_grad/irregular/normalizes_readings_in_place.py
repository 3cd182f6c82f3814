"""Pitfall: the readings are normalized in place (`t_u /= t_u.max()`): the caller's t_u changes,
Pitfall: and the model trained is another one.
Source: the maintainer's own irregular set (issue 19): any readings.
Expect: training_loop changed the caller's `t_u`
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    t_u /= t_u.max()  # in place: the caller's tensor
    for epoch in range(1, n_epochs + 1):
        loss = loss_fn(model(t_u, *params), t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
