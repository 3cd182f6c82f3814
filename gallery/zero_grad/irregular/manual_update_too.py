"""Pitfall: a hand-written SGD update besides `optimizer.step()`: each epoch moves params twice.
Source: the maintainer's own irregular set (issue 19): plain SGD, whose step is lr * grad.
Expect: moved `params` by 2 times `lr * grad`
"""

import torch

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    lr = optimizer.param_groups[0]["lr"]
    for epoch in range(1, n_epochs + 1):
        loss = loss_fn(model(t_u, *params), t_c)
        optimizer.zero_grad()
        loss.backward()
        with torch.no_grad():
            params -= lr * params.grad  # the book's hand-written step, left in
        optimizer.step()
    return params
