"""Pitfall: Each loss is kept as `np.float64(loss.item())`, a NumPy scalar (a subclass of float, but
Pitfall: not a Python float: it prints, serialises and promotes as NumPy's).
Source: the maintainers' own irregular set (issue 19): the type of each entry.
Expect: is a NumPy float64
"""

import numpy as np

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(np.float64(loss.item()))
    return history
