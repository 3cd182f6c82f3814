"""Pitfall: the check calls optimizer.zero_grad() itself before every step, "to be safe": a step
Pitfall: without zero_grad() is then fixed by the check instead of named.
Source: the maintainer's own irregular set (issue 19): a step without zero_grad().
Expect: The check itself cleared .grad between step 1 and step 2
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class ClearsFirst(OneBatchCheck):
    def call_step(self):
        self.optimizer.zero_grad()
        return super().call_step()


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return ClearsFirst(model, optimizer, loss_fn, batch, step, tol).run(steps)
