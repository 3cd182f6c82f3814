"""Pitfall: The model is put in eval mode "for stable losses": dropout draws no mask and BatchNorm
Pitfall: uses its running statistics, so neither the losses nor the training are the model's.
Source: the maintainers' own irregular set (issue 19): a model with dropout or BatchNorm.
Expect: the model ran in eval mode during the steps
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    model.eval()  # no dropout noise in the logged figures
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
