"""Pitfall: the loop builds its own `torch.optim.SGD(lr=1e-2)` and ignores the optimizer it is
Pitfall: given.
Source: examiner set (issue 19): any optimizer (its updates are counted): Adam, momentum, another
Source: lr
Expect: the optimizer given to training_loop never stepped
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    opt = torch.optim.SGD([params], lr=1e-2)
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
