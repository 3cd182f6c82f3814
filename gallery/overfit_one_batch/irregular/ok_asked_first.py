"""Pitfall: 'ok' is asked right after measuring, before the gradient questions: a step without
Pitfall: zero_grad() whose piled-up gradients still bring the loss under tol is called ok.
Source: the maintainer's own irregular set (issue 19): a one-weight model, a step without zero_grad(), tol 0.1: the loss is under tol at step 2, where
Source: the gradients pile up.
Expect: is asked first: 'ok' comes after the questions about the gradients
"""

import math

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class OkFirst(OneBatchCheck):
    def one_step(self, i):
        before = self.loss
        found = super().one_step(i)
        if found is not None and found.reason != "ok" and self.reached_zero() \
                and math.isfinite(self.loss) and self.loss < before:
            return self.report("ok", "the loss is near zero")
        return found


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return OkFirst(model, optimizer, loss_fn, batch, step, tol).run(steps)
