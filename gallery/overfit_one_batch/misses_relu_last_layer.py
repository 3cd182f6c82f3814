"""Pitfall: a check that never looks at the outputs: a regression ending in a ReLU, with targets
Pitfall: that go negative, stops at the negative targets' share and is just "stalled".
Source: karpathy_recipe ("overfit one batch": visualise prediction and label together; if they
Source: do not align once the loss is at its minimum, there is a bug).
Expect: every prediction is clipped at zero
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class NoLookAtOutputs(OneBatchCheck):
    def outputs_cannot_reach_targets(self):
        return False


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = NoLookAtOutputs(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
