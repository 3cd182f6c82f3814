"""Pitfall: a check that lets the step's RuntimeError out: a loss with no graph (the forward under
Pitfall: `torch.no_grad()`, `loss.detach()`) crashes the check instead of being its verdict.
Source: karpathy_recipe; PyTorch's "element 0 of tensors does not require grad and does not have
Source: a grad_fn".
Expect: the check let the step's RuntimeError escape
"""

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class Uncaught(OneBatchCheck):
    def call_step(self):
        self.train_step(self.model, self.optimizer, self.loss_fn, self.batch)  # no try
        return None


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    check = Uncaught(model, optimizer, loss_fn, batch, usual_step if train_step is None else train_step, tol)
    return check.run(steps)
