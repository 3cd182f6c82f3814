"""Pitfall: first_loss is kept in a module global the first time it is measured, so a second
Pitfall: call (another model, another batch) reports the first call's.
Source: the maintainer's own irregular set (issue 19): the check called twice in one process, on two batches.
Expect: first_loss is not the batch's loss before any step
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


_FIRST = []


class Cached(OneBatchCheck):
    def measure(self):
        loss = super().measure()
        if not _FIRST:
            _FIRST.append(loss)
        return loss

    def report(self, reason, message):
        return OverfitReport(reason == "ok", reason, _FIRST[0], self.loss, message)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Cached(model, optimizer, loss_fn, batch, step, tol).run(steps)
