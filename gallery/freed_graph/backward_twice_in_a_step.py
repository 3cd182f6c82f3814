"""Pitfall: `loss.backward()` kept before a `zero_grad()` inserted later, then called again: the
Pitfall: second backward goes through the graph the first one freed.
Source: 001, (3)学习机制---Optimizers a la carte (the order zero_grad, backward, step).
Expect: backpropagated twice within its own step
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.zero_grad()  # moved in front of the backward below, the first one left in
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
