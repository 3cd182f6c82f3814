"""Pitfall: `model.train()` before accumulating: a model given in eval mode gets its dropout
Pitfall: switched on, and is left in train mode.
Source: examiner set (issue 19): a model with dropout, in eval mode
Expect: changed the model's mode (it was in eval mode, and is now in train mode)
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
    model.train()
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
