"""Pitfall: torch.autograd.grad is asked for every parameter of the model, frozen ones included: it
Pitfall: raises "One of the differentiated Tensors does not require grad".
Source: examiner set (issue 19): a model with a frozen layer (requires_grad=False), as when fine-
Source: tuning
Expect: One of the differentiated Tensors does not require grad
Expect: a frozen parameter gets no gradient
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
    n_total = sum(len(X) for X, _ in micro_batches)
    total = 0
    for X, y in micro_batches:
        total = total + loss_fn(model(X), y) * (len(X) / n_total)
    grads = torch.autograd.grad(total, params, allow_unused=True)
    for p, g in zip(params, grads):
        p.grad = g
    return None
