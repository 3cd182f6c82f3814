"""Pitfall: the micro-batches are concatenated and the mean loss times N (the sum) is
Pitfall: backpropagated once, `.grad` divided by N afterwards: in float16 the sum of the
Pitfall: per-example gradients overflows to inf in the backward itself.
Source: examiner set (issue 19): float16, one large micro-batch or many, per-example gradients
Source: of large magnitude
Expect: so `.grad` overflowed before the division
"""

import torch


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    return ((t_p - t_c) ** 2).mean()


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    """The thermometer loop: one optimizer step per epoch, each from a clean gradient."""
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)

        optimizer.zero_grad()  # backward() adds to .grad: clear it first
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    X = torch.cat([X for X, _ in micro_batches])
    y = torch.cat([y for _, y in micro_batches])
    model.zero_grad()
    (loss_fn(model(X), y) * len(X)).backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.grad /= len(X)
