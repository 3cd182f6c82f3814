"""Pitfall: 'did anything move' is asked before 'did the gradients pile up': a step with neither
Pitfall: zero_grad() nor step(), on a model that held gradients already, is 'no_update'.
Source: the maintainer's own irregular set (issue 19): gradients held before the call, a step with neither zero_grad() nor optimizer.step().
Expect: 'grad_accumulates' comes before 'no_update'
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class MovedFirst(OneBatchCheck):
    def gradients_piled_up(self, stale, fresh, after):
        if not any(not torch.equal(p, b) for p, b in zip(self.params, self._before)):
            return False  # "nothing moved: that is the answer"
        return super().gradients_piled_up(stale, fresh, after)

    def moved(self, before):
        self._before = before
        return super().moved(before)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return MovedFirst(model, optimizer, loss_fn, batch, step, tol).run(steps)
