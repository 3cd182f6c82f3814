"""Pitfall: One module-level list, cleared at the start of every call and returned: the caller's
Pitfall: earlier history is emptied and refilled by the next call.
Source: the maintainers' own irregular set (issue 19): a function called twice.
Expect: the very list object the first call returned
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows

HISTORY = []


def train_logging_losses(model, optimizer, loss_fn, batches):
    HISTORY.clear()
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        HISTORY.append(loss.item())
    return HISTORY
