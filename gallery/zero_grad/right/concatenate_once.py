"""Right: no accumulation at all: one forward and one backward on the concatenated micro-batches
Right: (the same gradient, without the memory saving); the loop takes the views params[0],
Right: params[1] once, before it.
Source: examiner set (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    w, b = params[0], params[1]
    epoch = 0
    while epoch < n_epochs:
        loss = ((w * t_u + b - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch += 1
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    X = torch.cat([X for X, _ in micro_batches])
    y = torch.cat([y for _, y in micro_batches])
    for p in model.parameters():
        p.grad = None
    loss_fn(model(X), y).backward()
