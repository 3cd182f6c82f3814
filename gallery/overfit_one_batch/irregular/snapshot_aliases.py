"""Pitfall: the parameters before a step are kept as `p.detach()` (no clone): the optimizer
Pitfall: updates the same storage in place, the 'before' moves with it, and every step looks like no
Pitfall: move.
Source: the maintainer's own irregular set (issue 19): any pipeline whose optimizer updates in place (all of them).
Expect: keep copies from before it
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class Aliased(OneBatchCheck):
    def moved(self, before):
        return super().moved(self._kept)

    def one_step(self, i):
        self._kept = [p.detach() for p in self.params]  # shares storage with p
        return super().one_step(i)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Aliased(model, optimizer, loss_fn, batch, step, tol).run(steps)
