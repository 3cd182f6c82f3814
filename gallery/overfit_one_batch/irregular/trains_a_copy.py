"""Pitfall: the check trains a deep copy of the model ("leave the caller's model alone"), but the
Pitfall: optimizer holds the caller's parameters: the copy never moves and the caller's model is not
Pitfall: the one judged.
Source: the maintainer's own irregular set (issue 19): any pipeline.
Expect: the check measured (and trained) a copy
"""

import copy

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return OneBatchCheck(copy.deepcopy(model), optimizer, loss_fn, batch, step, tol).run(steps)
