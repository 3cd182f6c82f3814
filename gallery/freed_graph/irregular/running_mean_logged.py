"""Pitfall: The running mean of the losses so far is logged, as a progress bar shows it, instead of
Pitfall: each batch's own loss.
Source: the maintainers' own irregular set (issue 19): the figure each entry holds.
Expect: the running mean was logged
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    total = 0.0
    for i, (X, y) in enumerate(batches):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
        history.append(total / (i + 1))
    return history
