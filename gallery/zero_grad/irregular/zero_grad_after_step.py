"""Pitfall: the gradient is cleared at the end of each epoch (after `step()`), not before
Pitfall: `backward()`, so whatever params.grad held at the call is added into the first step.
Source: examiner set (issue 19): params whose .grad already holds a gradient when training_loop
Source: is called (the caller's, or a first call's)
Expect: `params` already held when training_loop was called
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()  # tidy up for the next epoch
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
