"""Pitfall: each micro-batch's *sum* (mean times size) is backpropagated and .grad divided by N
Pitfall: once at the end: in float16 the sum over hundreds of examples of large gradients
Pitfall: overflows to inf before the division (once a right answer of the first examiner set;
Pitfall: wrong since the contract asks for each micro-batch weighed before its backward).
Source: examiner set (issue 19): float16, many micro-batches, per-example gradients of large
Source: magnitude
Expect: so `.grad` overflowed before the division
"""

import itertools

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for _ in itertools.repeat(None, n_epochs):
        params.grad = None
        t_p = params[0] * t_u + params[1]
        loss = torch.mean(torch.square(t_p - t_c))
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    model.zero_grad(set_to_none=False)
    n_total = 0
    for X, y in micro_batches:
        (loss_fn(model(X), y) * X.shape[0]).backward()
        n_total += X.shape[0]
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.grad.div_(n_total)
