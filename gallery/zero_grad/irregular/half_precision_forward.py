"""Pitfall: the forward pass runs in float16 "for speed" (`.half()`): the gradients of a float32
Pitfall: run get float16's precision.
Source: the maintainer's own irregular set (issue 19): float32 params and readings.
Expect: right only to float16's precision, not to float32's
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u.half(), *params.half())
        loss = loss_fn(t_p, t_c.half())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
