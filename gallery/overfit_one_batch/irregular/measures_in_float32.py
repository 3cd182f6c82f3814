"""Pitfall: the loss is measured on `model.float()` ("losses in float32"), which converts the
Pitfall: caller's model in place: a float64 or bfloat16 model leaves the check as float32.
Source: the maintainer's own irregular set (issue 19): a float64 or bfloat16 model.
Expect: the check converted the caller's model
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class Float32(OneBatchCheck):
    def measure(self):
        X, y = self.batch
        with torch.no_grad():
            out = self.model.float()(X.float())
            return self.loss_fn(out, y.float() if y.is_floating_point() else y).item()


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return Float32(model, optimizer, loss_fn, batch, step, tol).run(steps)
