"""Right: no zero_grad anywhere: the loop assigns each epoch's gradient to `params.grad` (taken
Right: with torch.autograd.grad, so nothing adds onto an old one), and the accumulation sums the
Right: micro-batches' weighted gradients in a list of its own and assigns the totals (None for a
Right: parameter the loss does not reach).
Source: the maintainer's own right answers (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for _ in range(n_epochs):
        w, b = params.unbind()
        loss = (w * t_u + b - t_c).square().mean()
        (params.grad,) = torch.autograd.grad(loss, [params])
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    trainable = [p for p in model.parameters() if p.requires_grad]
    n = sum(X.shape[0] for X, _ in micro_batches)
    totals = [None] * len(trainable)
    for X, y in micro_batches:
        loss = loss_fn(model(X), y) * (X.shape[0] / n)
        grads = torch.autograd.grad(loss, trainable, allow_unused=True)
        totals = [t if g is None else (g if t is None else t + g) for t, g in zip(totals, grads)]
    for p, total in zip(trainable, totals):
        p.grad = total
    for p in model.parameters():
        if not p.requires_grad:
            p.grad = None
