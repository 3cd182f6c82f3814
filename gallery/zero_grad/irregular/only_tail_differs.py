"""Pitfall: the total count assumes that every micro-batch but the last has the size of the first,
Pitfall: so the weights do not add up to one when another batch differs.
Source: examiner set (issue 19): micro-batches of sizes [3, 5, 2] (a middle batch of another
Source: size)
Expect: as if every micro-batch but the last were as large as the first
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
    batch_size = len(micro_batches[0][0])
    n_total = batch_size * (len(micro_batches) - 1) + len(micro_batches[-1][0])
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        (loss * (len(X) / n_total)).backward()
    return None
