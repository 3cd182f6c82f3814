"""Pitfall: A running total of the loss tensors (`total = total + loss`) kept for an average: every
Pitfall: sum's graph leads back to every loss in it, so no step's graph is let go.
Source: the maintainers' own irregular set (issue 19): a running figure over the steps.
Expect: as a running total `total = total + loss` does
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    total = 0.0
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        total = total + loss  # the tensor: a graph that grows with every step
    if history:
        print(f"mean loss {total.item() / len(history):.4f}")
    return history
