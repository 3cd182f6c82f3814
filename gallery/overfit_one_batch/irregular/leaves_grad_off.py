"""Pitfall: grad mode is switched off with `torch.set_grad_enabled(False)` to measure and back on
Pitfall: only before a step, so the check returns with autograd off for its caller.
Source: the maintainer's own irregular set (issue 19): any pipeline (grad mode after the call).
Expect: returned with autograd switched off
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class GradOff(OneBatchCheck):
    def measure(self):
        X, y = self.batch
        torch.set_grad_enabled(False)
        return self.loss_fn(self.model(X), y).item()

    def call_step(self):
        torch.set_grad_enabled(True)
        return super().call_step()


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return GradOff(model, optimizer, loss_fn, batch, step, tol).run(steps)
