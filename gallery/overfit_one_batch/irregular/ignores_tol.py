"""Pitfall: the check compares with the default 1e-2 whatever `tol` it is given.
Source: the maintainer's own irregular set (issue 19): tol=0.25 on a loss that lands exactly on 0.25 × first_loss after one step.
Expect: the default tol, not the tol=
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class FixedTol(OneBatchCheck):
    def reached_zero(self):
        return self.loss <= 1e-2 * self.first  # the tol argument is never read


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return FixedTol(model, optimizer, loss_fn, batch, step, tol).run(steps)
