"""Pitfall: output_range asks that every target be negative instead of some: a ReLU regression with
Pitfall: targets on both sides of zero is 'stalled'.
Source: the maintainer's own irregular set (issue 19): a regression ending in a ReLU, about half its targets negative.
Expect: every prediction is clipped at zero
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class AllNegative(OneBatchCheck):
    def outputs_cannot_reach_targets(self):
        X, y = self.batch
        with torch.no_grad():
            out = self.model(X)
        return (y.is_floating_point() and out.shape == y.shape
                and bool((y < 0).all()) and bool((out >= 0).all()))


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return AllNegative(model, optimizer, loss_fn, batch, step, tol).run(steps)
