"""Pitfall: the gradients before a step are kept as references (`p.grad`, no clone): backward
Pitfall: adds into that very tensor, so 'old' becomes old + own and a missing zero_grad() is never
Pitfall: seen.
Source: the maintainer's own irregular set (issue 19): a step without zero_grad().
Expect: not with a reference to it
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class GradAliased(OneBatchCheck):
    def gradients_piled_up(self, stale, fresh, after):
        # `old = [p.grad for p in params]` keeps references: backward adds into those very
        # tensors, so by now "old" reads as the .grad after the step
        return super().gradients_piled_up(list(after), fresh, after)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return GradAliased(model, optimizer, loss_fn, batch, step, tol).run(steps)
