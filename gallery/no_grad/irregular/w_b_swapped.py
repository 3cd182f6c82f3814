"""Pitfall: calc_forward unpacks params as `b, w`: the line is `b * t_u + w`.
Source: the maintainer's own irregular set (issue 19): any params with w != b
Expect: w and b were taken the wrong way round
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    b, w = params
    with torch.set_grad_enabled(is_train):
        loss = loss_fn(model(t_u, w, b), t_c)
    return loss
