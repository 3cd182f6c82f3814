"""Pitfall: the forward pass casts the readings and the parameters to float32 (`.float()`), so a
Pitfall: float64 run gets float32's precision.
Source: examiner set (issue 19): float64 params, t_u and t_c
Expect: the gradient is right only to float32's precision, not to float64's
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    t_u, t_c = t_u.float(), t_c.float()
    for epoch in range(1, n_epochs + 1):
        w, b = params.float()
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
