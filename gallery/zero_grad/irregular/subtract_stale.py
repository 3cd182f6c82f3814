"""Pitfall: the old gradients are kept, this call's added onto them and the old ones subtracted at
Pitfall: the end: `(old + g) - old` loses g's digits when old is large.
Source: examiner set (issue 19): huge old gradients (about 1e6) in a float32 model
Expect: lost their digits to the huge old values
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
    params = list(model.parameters())
    old = [None if p.grad is None else p.grad.clone() for p in params]
    n_total = sum(len(X) for X, _ in micro_batches)
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    for p, o in zip(params, old):
        if o is not None and p.grad is not None:
            p.grad -= o
    return None
