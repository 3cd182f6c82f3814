"""Pitfall: The loop leaves out the last batch (it was meant for validation): one batch is neither
Pitfall: trained on nor logged.
Source: the maintainers' own irregular set (issue 19): every batch, the last one too.
Expect: only the first
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    batches = list(batches)
    history = []
    for X, y in batches[:-1]:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
