"""Pitfall: a check that takes "no gradient" to mean "the step raised": a loss detached and then
Pitfall: given `requires_grad_()` runs without an error, reaches nothing, and is called no_update.
Source: karpathy_recipe; the forum fix for "element 0 of tensors does not require grad":
Source: `loss.requires_grad = True`, which silences the error and trains nothing.
Expect: no gradient reaches the parameters
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class OnlyErrors(OneBatchCheck):
    def no_gradient_arrived(self, moved, after):
        return False  # only a step that raises counts as "no gradient"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = OnlyErrors(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
