"""Pitfall: 'did anything move' is answered from the learning rates (any group with lr != 0),
Pitfall: not from the parameters: a step that never calls optimizer.step() is not 'no_update'.
Source: the maintainer's own irregular set (issue 19): a step that never calls optimizer.step() (lr 0.1).
Expect: the gradients arrive and the step moves nothing
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class ReadsLr(OneBatchCheck):
    def moved(self, before):
        return any(group["lr"] != 0 for group in self.optimizer.param_groups)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return ReadsLr(model, optimizer, loss_fn, batch, step, tol).run(steps)
