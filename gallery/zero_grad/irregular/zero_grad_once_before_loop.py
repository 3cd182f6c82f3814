"""Pitfall: `optimizer.zero_grad()` once, before the loop: the first step is right, and from the
Pitfall: second on the gradients pile up.
Source: the maintainer's own irregular set (issue 19): two epochs or more.
Expect: the gradient was not cleared between the two backward passes
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    optimizer.zero_grad()  # once, for the whole loop
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        loss.backward()
        optimizer.step()
    return params
