"""Pitfall: `optimizer.zero_grad()` placed between `loss.backward()` and `optimizer.step()`: the step
Pitfall: finds the gradient just computed wiped out.
Source: the maintainers' own irregular set (issue 19): the order of zero_grad, backward and step.
Expect: `zero_grad` after `backward` wipes the gradient
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        history.append(loss.item())
    return history
