"""Pitfall: each weight k / N is made a float32 tensor (`torch.tensor(len(X) / n)`), so a float64
Pitfall: model's gradient gets float32's precision.
Source: examiner set (issue 19): a float64 model with unequal micro-batches
Expect: a weight made as a tensor
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
    n_total = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        weight = torch.tensor(len(X) / n_total)
        loss = loss_fn(model(X), y)
        (loss * weight).backward()
    return None
