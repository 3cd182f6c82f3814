"""Pitfall: the step's exception is caught and raised again as the check's own ("the pipeline is
Pitfall: broken"), where the contract says it propagates unchanged.
Source: the maintainer's own irregular set (issue 19): a step that calls backward() twice (RuntimeError with gradients there); a ValueError from the loss.
Expect: CheckFailed
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class CheckFailed(Exception):
    pass


class Wraps(OneBatchCheck):
    def call_step(self):
        try:
            return super().call_step()
        except Exception as error:
            raise CheckFailed(f"the pipeline is broken: {error}") from error


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Wraps(model, optimizer, loss_fn, batch, step, tol).run(steps)
