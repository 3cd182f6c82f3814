"""Pitfall: 'every trainable parameter is in the optimizer' is tested as 'the optimizer holds
Pitfall: exactly the model's parameters', so an optimizer that also holds another tensor (a loss's
Pitfall: own parameter) is 'not_in_optimizer'.
Source: the maintainer's own irregular set (issue 19): an optimizer given the model's parameters and, in a second group, a tensor of its own.
Expect: which is fine: the question is only whether a trainable parameter is missing
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class SameSets(OneBatchCheck):
    def left_out_of_optimizer(self):
        held = {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        return [] if held == {id(p) for p in self.params} else self.params


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return SameSets(model, optimizer, loss_fn, batch, step, tol).run(steps)
