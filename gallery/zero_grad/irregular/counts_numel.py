"""Pitfall: N is counted with `X.numel()` while each batch is weighted by `len(X)`: with several
Pitfall: features every weight is divided by their number.
Source: examiner set (issue 19): inputs with several features per example (X of shape (k, 3))
Expect: the number of *elements* of all the X
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n_total = sum(X.numel() for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
