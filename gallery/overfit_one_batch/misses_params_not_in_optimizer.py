"""Pitfall: a check that never looks at `optimizer.param_groups`: an optimizer built for a model
Pitfall: that was then rebuilt, or given only the last layer, goes unnoticed (the last layer alone
Pitfall: can even fit one batch: "ok").
Source: karpathy_recipe ("overfit one batch": a pipeline that cannot, or that fits for the wrong
Source: reason, has a bug).
Expect: are in none of optimizer.param_groups
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class OptimizerTrusted(OneBatchCheck):
    def left_out_of_optimizer(self):
        return []  # "it was built from model.parameters(), surely"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = OptimizerTrusted(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
