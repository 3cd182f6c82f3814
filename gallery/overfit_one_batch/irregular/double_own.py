"""Pitfall: piled-up gradients are recognised as `.grad ≈ 2 * own` (two equal gradients), not as
Pitfall: `.grad ≈ old + own`: once the parameters move, the old gradient differs from the new one.
Source: the maintainer's own irregular set (issue 19): a step without zero_grad() whose parameters move between steps.
Expect: the gradients pile up
"""

import torch

from solutions.overfit_one_batch import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.overfit_one_batch import OneBatchCheck, usual_step


class DoubleOwn(OneBatchCheck):
    def gradients_piled_up(self, stale, fresh, after):
        return any(own is not None and now is not None and own.any()
                   and torch.allclose(now, 2 * own, rtol=1e-4, atol=1e-6)
                   for own, now in zip(fresh, after))


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    step = usual_step if train_step is None else train_step
    return DoubleOwn(model, optimizer, loss_fn, batch, step, tol).run(steps)
