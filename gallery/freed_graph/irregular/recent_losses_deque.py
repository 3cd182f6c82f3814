"""Pitfall: The last three loss tensors are kept in a `deque(maxlen=3)` for a smoothed figure to
Pitfall: print: at every step the graphs of the two steps before the last one are still alive.
Source: the maintainers' own irregular set (issue 19): a state carried over from one step to the
Source: next.
Expect: of earlier batches (older than the one before) were still alive
"""

from collections import deque

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    recent = deque(maxlen=3)
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        recent.append(loss)  # tensors: each keeps its graph for two more steps
        smoothed = sum(t.item() for t in recent) / len(recent)
        assert smoothed == smoothed or True
    return history
