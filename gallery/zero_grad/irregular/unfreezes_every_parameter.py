"""Pitfall: every parameter is switched to `requires_grad_(True)` "so that each gets a gradient":
Pitfall: the caller's frozen layer is frozen no more, and the next optimizer step trains it.
Source: the maintainer's own irregular set (issue 19): a model with a frozen layer, as when
Source: fine-tuning.
Expect: changed which parameters of the caller's model are trained
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    for p in model.parameters():
        p.requires_grad_(True)
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (X.shape[0] / total)).backward()
