"""Pitfall: 'no gradient' is judged by the check's own forward (does loss_fn(model(X), y) require
Pitfall: grad?), which always has a graph: a step that detaches inside, or never calls backward,
Pitfall: is never named unless it raises.
Source: the maintainer's own irregular set (issue 19): a step whose loss is detached and given requires_grad_(); a step that never calls backward().
Expect: no gradient reaches the parameters
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class OwnProbe(OneBatchCheck):
    def no_gradient_arrived(self, moved, after):
        X, y = self.batch
        return not self.loss_fn(self.model(X), y).requires_grad  # always False here


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return OwnProbe(model, optimizer, loss_fn, batch, step, tol).run(steps)
