"""Pitfall: `model.eval()` before accumulating ("no dropout while computing gradients"): a model
Pitfall: given in train mode comes back in eval mode.
Source: the maintainer's own irregular set (issue 19): a model in train mode (the usual case).
Expect: changed the model's mode (it was in train mode, and is now in eval mode)
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    model.eval()
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X), y) * (X.shape[0] / total)).backward()
