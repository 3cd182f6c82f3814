"""Pitfall: each micro-batch's mean loss is backpropagated as it is: the gradients add up to about
Pitfall: k times the gradient of the whole batch.
Source: the maintainer's own irregular set (issue 19): two micro-batches or more.
Expect: were added without weighting
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    model.zero_grad()
    for X, y in micro_batches:
        loss_fn(model(X), y).backward()  # a mean per batch, never weighted
