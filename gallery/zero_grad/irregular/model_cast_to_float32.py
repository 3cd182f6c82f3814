"""Pitfall: `model.float()` before accumulating ("to be safe"): it converts the caller's model in
Pitfall: place, and a float64 model's gradient gets float32's precision.
Source: the maintainer's own irregular set (issue 19): a float64 model.
Expect: accumulated_gradients converted the caller's model
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    model.float()
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()
    for X, y in micro_batches:
        (loss_fn(model(X.float()), y.float() if y.is_floating_point() else y)
         * (X.shape[0] / total)).backward()
