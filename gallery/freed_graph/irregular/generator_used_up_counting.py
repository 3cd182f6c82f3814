"""Pitfall: It counts the batches first with `len(list(batches))`: given a generator, that walks it
Pitfall: to the end, and the training loop then finds nothing left.
Source: the maintainers' own irregular set (issue 19): batches given as a generator.
Expect: it was used up before the loop
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    n = len(list(batches))  # walks a generator to its end
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    assert len(history) <= n
    return history
