"""Pitfall: 'targets shaped like the outputs' is tested by their number of elements: (n, 1)
Pitfall: outputs and (n,) targets count alike, and a loss that compares them otherwise is blamed on a
Pitfall: ReLU.
Source: the maintainer's own irregular set (issue 19): a ReLU output of shape (n, 1) against targets of shape (n,).
Expect: not alike, so the outputs' range says nothing
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class Numel(OneBatchCheck):
    def outputs_cannot_reach_targets(self):
        X, y = self.batch
        with torch.no_grad():
            out = self.model(X)
        return (y.is_floating_point() and out.numel() == y.numel()
                and bool((y < 0).any()) and bool((out >= 0).all()))


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Numel(model, optimizer, loss_fn, batch, step, tol).run(steps)
