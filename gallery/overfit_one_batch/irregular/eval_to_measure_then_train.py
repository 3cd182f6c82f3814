"""Pitfall: the check measures in eval mode (model.eval(), then model.train()): a model handed
Pitfall: over in eval mode is left in train mode, and one in train mode is measured without its
Pitfall: dropout or BatchNorm.
Source: the maintainer's own irregular set (issue 19): a model handed over in eval mode (dropout); BatchNorm in train mode.
Expect: It is the loss with the model in eval mode
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class EvalMeasure(OneBatchCheck):
    def measure(self):
        X, y = self.batch
        self.model.eval()
        with torch.no_grad():
            loss = self.loss_fn(self.model(X), y).item()
        self.model.train()  # "back to training"
        return loss


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return EvalMeasure(model, optimizer, loss_fn, batch, step, tol).run(steps)
