"""Pitfall: the loss is the sum of the squared errors, not their mean: every gradient is n times
Pitfall: too large.
Source: the maintainer's own irregular set (issue 19): readings of any count (11, 7, 16 ...).
Expect: the loss is the *sum*
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = ((t_p - t_c) ** 2).sum()  # not .mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
