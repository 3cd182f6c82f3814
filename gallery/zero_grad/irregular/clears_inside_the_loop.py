"""Pitfall: `model.zero_grad()` inside the loop over the micro-batches: each clears what the
Pitfall: earlier ones accumulated, and only the last micro-batch's share is left.
Source: the maintainer's own irregular set (issue 19): two micro-batches or more.
Expect: only the last micro-batch's gradient is left
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    for X, y in micro_batches:
        model.zero_grad()  # the habit of the training loop, in the wrong place
        loss = loss_fn(model(X), y) * (X.shape[0] / total)
        loss.backward()
