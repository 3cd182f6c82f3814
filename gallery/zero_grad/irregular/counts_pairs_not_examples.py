"""Pitfall: N is counted as `sum(len(batch) for batch in micro_batches)`: each batch is an `(X, y)`
Pitfall: pair, whose len is 2, so N is twice the number of micro-batches, not the number of examples.
Source: the maintainer's own irregular set (issue 19): micro-batches of any size but 2.
Expect: `len(batch)` of each `(X, y)` pair is 2
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(len(batch) for batch in micro_batches)  # len((X, y)) == 2
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (X.shape[0] / total)).backward()
