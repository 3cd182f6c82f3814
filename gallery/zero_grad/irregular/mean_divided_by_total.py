"""Pitfall: each micro-batch's mean loss is divided by the number of examples: `loss_fn` already
Pitfall: gives a mean, so every micro-batch counts as one example.
Source: the maintainer's own irregular set (issue 19): micro-batches of more than one example.
Expect: divided by the number of examples
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) / total).backward()  # a mean, divided again
