"""Pitfall: the optimizer of the first call is kept in a module-level global and used ever after:
Pitfall: a later call, given another optimizer (for other params), steps the old one.
Source: the maintainer's own irregular set (issue 19): a function called twice, with two
Source: optimizers.
Expect: the optimizer given to training_loop never stepped
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below

_optimizer = None


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    global _optimizer
    if _optimizer is None:
        _optimizer = optimizer  # "set up once"
    for epoch in range(1, n_epochs + 1):
        loss = loss_fn(model(t_u, *params), t_c)
        _optimizer.zero_grad()
        loss.backward()
        _optimizer.step()
    return params
