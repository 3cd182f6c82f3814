"""Pitfall: returns `params.detach().clone()`, a new tensor that does not require grad, not `params`
Pitfall: itself.
Source: examiner set (issue 19): any call (the returned object is compared with params by
Source: identity)
Expect: but not `params` itself
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
    return params.detach().clone()


def accumulated_gradients(model, loss_fn, micro_batches):
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
