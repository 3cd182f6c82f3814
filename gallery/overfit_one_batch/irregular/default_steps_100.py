"""Pitfall: the default number of steps is 100, not the 200 the signature says.
Source: the maintainer's own irregular set (issue 19): a stalling pipeline called without `steps`.
Expect: gets exactly `steps` steps (200)
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=100, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return OneBatchCheck(model, optimizer, loss_fn, batch, step, tol).run(steps)
