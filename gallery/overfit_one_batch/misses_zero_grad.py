"""Pitfall: a check that never compares the gradients: a step without `zero_grad()` is reported
Pitfall: by what its loss does (diverged, stalled, even ok), never as gradients piling up.
Source: karpathy_recipe (and his list of common mistakes: "you forgot to .zero_grad() (in
Source: pytorch) before .backward()").
Expect: the gradients pile up
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class LossWatcher(OneBatchCheck):
    def gradients_piled_up(self, stale, fresh, after):
        return False  # .grad is never looked at


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = LossWatcher(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
