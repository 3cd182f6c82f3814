"""Pitfall: a `return` indented into the loop: only the first micro-batch is backpropagated.
Source: the maintainer's own irregular set (issue 19): two micro-batches or more.
Expect: only the first micro-batch's gradient is there
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (X.shape[0] / total)).backward()
        return  # one indent too far
