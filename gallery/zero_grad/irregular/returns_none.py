"""Pitfall: the loop trains params and forgets to return it.
Source: the maintainer's own irregular set (issue 19): any call.
Expect: training_loop must return `params`
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        loss = loss_fn(model(t_u, *params), t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
