"""Pitfall: sets `loss_fn.reduction = 'sum'` and divides by N: the caller's loss module is left
Pitfall: summing, and a plain function ignores the attribute.
Source: examiner set (issue 19): an nn.MSELoss() (left changed) or a loss that is a plain
Source: function
Expect: changed the loss function it was given
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
    loss_fn.reduction = "sum"
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss / n_total).backward()
    return None
