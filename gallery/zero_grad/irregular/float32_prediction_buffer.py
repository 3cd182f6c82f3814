"""Pitfall: the predictions are written into a buffer made once with `torch.empty(len(t_u))`, of the
Pitfall: default dtype float32: a float64 run computes its loss, and its gradient, in float32.
Source: the maintainer's own irregular set (issue 19): float64 params and readings.
Expect: right only to float32's precision, not to float64's
"""

import torch

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    t_p = torch.empty(len(t_u))  # "preallocated": float32, whatever params' dtype
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = t_p.detach()
        t_p[:] = w * t_u + b
        loss = loss_fn(t_p, t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
