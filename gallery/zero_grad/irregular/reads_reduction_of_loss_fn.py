"""Pitfall: the code reads `loss_fn.reduction` to decide how to weigh: a loss that is a plain
Pitfall: function has no such attribute, and it raises AttributeError.
Source: the maintainer's own irregular set (issue 19): a loss_fn that is a plain function.
Expect: loss_fn here is a plain function returning the batch mean
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y)
        if loss_fn.reduction == "sum":  # nn losses only
            loss = loss / X.shape[0]
        (loss * (X.shape[0] / total)).backward()
