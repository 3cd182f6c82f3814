"""Pitfall: Each loss is converted to float32 before `.item()` (`loss.float().item()`, "to save
Pitfall: memory"): a float64 model's losses lose half their digits.
Source: the maintainers' own irregular set (issue 19): a float64 model.
Expect: rounded to float32
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.detach().float().item())
    return history
