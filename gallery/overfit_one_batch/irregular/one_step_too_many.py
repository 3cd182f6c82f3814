"""Pitfall: the loop runs `range(steps + 1)`: a pipeline that never gets near zero is stepped one
Pitfall: time more than `steps`.
Source: the maintainer's own irregular set (issue 19): any pipeline that stalls (count the calls of train_step).
Expect: gets exactly `steps` steps
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class OneMore(OneBatchCheck):
    def run(self, steps):
        return super().run(steps + 1)  # "and the last one"

    def after_the_last_step(self, steps):
        return super().after_the_last_step(steps - 1)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return OneMore(model, optimizer, loss_fn, batch, step, tol).run(steps)
