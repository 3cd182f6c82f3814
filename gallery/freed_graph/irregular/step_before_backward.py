"""Pitfall: `optimizer.step()` before `loss.backward()`: each step uses the gradient of the batch
Pitfall: before (none at first), not this batch's.
Source: the maintainers' own irregular set (issue 19): the order of zero_grad, backward and step.
Expect: `step()` is called before `backward()`
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        optimizer.step()
        loss.backward()
        history.append(loss.item())
    return history
