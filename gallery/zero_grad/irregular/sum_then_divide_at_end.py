"""Pitfall: each micro-batch's mean is multiplied by its size (a sum) and backpropagated, and
Pitfall: `.grad` is divided by N only at the end: in float16 the running sum overflows to inf.
Source: examiner set (issue 19, second examiner): float16, hundreds of examples, per-example
Source: gradients of large magnitude
Expect: so `.grad` overflowed before the division
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(n_epochs):
        w, b = params
        t_p = w * t_u + b
        loss = ((t_p - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    model.zero_grad()
    n = sum(len(X) for X, _ in micro_batches)
    for X, y in micro_batches:
        (loss_fn(model(X), y) * len(X)).backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.grad /= n
