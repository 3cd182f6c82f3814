"""Pitfall: `zero_grad()` skipped at the first batch ("nothing to clear yet"): whatever `.grad` held
Pitfall: when the function was called reaches the first step.
Source: the maintainers' own irregular set (issue 19): parameters holding gradients before the call.
Expect: a `backward()` ran while `.grad` still held an earlier gradient
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for i, (X, y) in enumerate(batches):
        if i > 0:
            optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
