"""Pitfall: the weights are `len(X) / len(micro_batches)`: divided by the number of micro-batches,
Pitfall: not by the number of examples.
Source: the maintainer's own irregular set (issue 19): micro-batches of more than one example.
Expect: were divided by the number of micro-batches
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (len(X) / len(micro_batches))).backward()
