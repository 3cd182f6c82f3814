"""Pitfall: a check that judges "no gradient" by `.grad` after the step alone: a healthy step that
Pitfall: clears the gradients at its end (backward, step, zero_grad) is flagged as broken.
Source: karpathy_recipe; PyTorch's zero_grad(set_to_none=True), the default, leaves .grad None.
Expect: Judge 'no gradient' by whether anything moved
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, holds_gradient, usual_step


class GradOnly(OneBatchCheck):
    def no_gradient_arrived(self, moved, after):
        return not holds_gradient(after)  # .grad empty after the step: "nothing arrived"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = GradOnly(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
