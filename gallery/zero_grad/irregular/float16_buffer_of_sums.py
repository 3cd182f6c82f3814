"""Pitfall: each micro-batch's gradient (of its mean) is multiplied by its size and added into a
Pitfall: buffer of the parameter's dtype, divided by N at the end: in float16 the buffer of
Pitfall: sums overflows to inf.
Source: examiner set (issue 19): float16, many micro-batches, per-example gradients of large
Source: magnitude
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
    n = sum(len(X) for X, _ in micro_batches)
    params = [p for p in model.parameters() if p.requires_grad]
    sums = [torch.zeros_like(p) for p in params]
    for X, y in micro_batches:
        model.zero_grad()
        loss_fn(model(X), y).backward()
        with torch.no_grad():
            for s, p in zip(sums, params):
                if p.grad is not None:
                    s += p.grad * len(X)
    for s, p in zip(sums, params):
        p.grad = s / n
