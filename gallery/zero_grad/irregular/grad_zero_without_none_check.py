"""Pitfall: the loop clears the gradient with `params.grad.zero_()` before the backward: on a fresh
Pitfall: params, whose .grad is None until the first backward, that raises AttributeError.
Source: the maintainer's own irregular set (issue 19): params that no backward has reached yet.
Expect: `params.grad` is None until the first backward
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        params.grad.zero_()  # None before the first backward
        loss.backward()
        optimizer.step()
    return params
