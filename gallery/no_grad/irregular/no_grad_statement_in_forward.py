"""Pitfall: calc_forward calls `torch.no_grad()` as a statement when not training, which makes a context
Pitfall: manager and throws it away: the loss is recorded.
Source: the maintainer's own irregular set (issue 19): is_train=False
Expect: with is_train=False the loss requires grad
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    if not is_train:
        torch.no_grad()  # not a `with`: nothing is switched off
    return loss_fn(model(t_u, *params), t_c)
