"""Pitfall: calc_forward sums the squared differences instead of averaging them.
Source: the maintainer's own irregular set (issue 19): any readings (the loss is n times too large)
Expect: the squared differences were summed, not averaged
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    with torch.set_grad_enabled(is_train):
        loss = ((model(t_u, *params) - t_c) ** 2).sum()
    return loss
