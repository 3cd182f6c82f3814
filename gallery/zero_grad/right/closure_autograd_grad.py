"""Right: the loop steps through `optimizer.step(closure)` (the closure clears, forwards and
Right: backpropagates); accumulation takes torch.autograd.grad of the weighted sum over the
Right: trainable parameters and writes it into .grad.
Source: examiner set (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    def closure():
        optimizer.zero_grad()
        w, b = params
        loss = ((w * t_u + b - t_c) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(n_epochs):
        optimizer.step(closure)
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_total = sum(len(X) for X, _ in micro_batches)
    total = sum(loss_fn(model(X), y) * (len(X) / n_total) for X, y in micro_batches)
    grads = torch.autograd.grad(total, trainable, allow_unused=True)
    for p, g in zip(trainable, grads):
        p.grad = g
