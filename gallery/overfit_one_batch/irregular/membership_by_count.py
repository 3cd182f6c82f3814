"""Pitfall: 'in the optimizer' is judged by counting: as many tensors in the param groups as the
Pitfall: model has trainable parameters. An optimizer built for a rebuilt model holds as many.
Source: the maintainer's own irregular set (issue 19): a model rebuilt after its optimizer (from another seed).
Expect: are in none of optimizer.param_groups
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class Counted(OneBatchCheck):
    def left_out_of_optimizer(self):
        held = sum(len(group["params"]) for group in self.optimizer.param_groups)
        return self.params[held:]  # "as many as the model has: all there"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Counted(model, optimizer, loss_fn, batch, step, tol).run(steps)
