"""Right: the gradients are cleared in place (`set_to_none=False`), each micro-batch's *sum* (mean
Right: times size) is backpropagated and .grad divided by N once at the end; the loop clears
Right: `params.grad = None` by hand.
Source: examiner set (issue 19)
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
