"""Pitfall: the old gradients are cleared with `p.grad.zero_()` on every parameter: a model that no
Pitfall: backward has reached yet has None there, and it raises AttributeError.
Source: the maintainer's own irregular set (issue 19): a fresh model, .grad None.
Expect: `.grad` is None here
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    for p in model.parameters():
        p.grad.zero_()  # None on a fresh model
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (X.shape[0] / total)).backward()
