"""Pitfall: the loop breaks out when the loss is no longer finite, so it takes fewer than n_epochs
Pitfall: steps and hides the divergence.
Source: examiner set (issue 19): the unscaled readings with SGD lr 1e-2: the loss overflows to
Source: inf after about ten epochs
Expect: the loop gave up on a loss that blew up
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        if not torch.isfinite(loss):
            break  # diverged: no point going on
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
