"""Right: no backward in the loop: each epoch's gradient of the mean squared error is written out
Right: by hand (as the book does before it introduces autograd), assigned to `params.grad`, and the
Right: optimizer given takes the step; the accumulation backpropagates the sum of the weighted
Right: micro-batch losses once.
Source: the maintainer's own right answers (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for _ in range(n_epochs):
        with torch.no_grad():
            w, b = params
            residual = w * t_u + b - t_c
            # d/dw and d/db of mean((w * t_u + b - t_c) ** 2)
            params.grad = torch.stack([(2 * residual * t_u).mean(), (2 * residual).mean()])
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n = sum(len(X) for X, _ in micro_batches)
    for p in model.parameters():
        p.grad = None
    total = sum(loss_fn(model(X), y) * (len(X) / n) for X, y in micro_batches)
    total.backward()
