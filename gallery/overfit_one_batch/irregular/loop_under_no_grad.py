"""Pitfall: the whole loop runs under `torch.no_grad()` ("the check only measures"), so every
Pitfall: step runs without autograd: backward() fails and every pipeline is 'no_gradient'.
Source: the maintainer's own irregular set (issue 19): any healthy pipeline.
Expect: with autograd off
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class NoGradLoop(OneBatchCheck):
    def run(self, steps):
        with torch.no_grad():
            return super().run(steps)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return NoGradLoop(model, optimizer, loss_fn, batch, step, tol).run(steps)
