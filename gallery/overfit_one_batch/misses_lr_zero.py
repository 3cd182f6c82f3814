"""Pitfall: a check that never compares the parameters before and after a step: a learning rate
Pitfall: of 0 draws a flat loss and is reported "stalled", as if more steps could help.
Source: karpathy_recipe ("verify decreasing training loss"; a flat one has a cause).
Expect: the step moves nothing
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class LossOnly(OneBatchCheck):
    def moved(self, before):
        return True  # "the optimizer stepped, so the parameters moved"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = LossOnly(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
