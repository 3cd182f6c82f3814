"""Pitfall: The loss tensors are kept in a list and turned into floats only at the end: the returned
Pitfall: history is right, but during the loop every step's graph stays alive.
Source: the maintainers' own irregular set (issue 19): graphs alive during the loop.
Expect: of earlier batches (older than the one before) were still alive
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    losses = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss)  # converted below, after the loop
    return [loss.item() for loss in losses]
