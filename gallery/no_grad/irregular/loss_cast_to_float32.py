"""Pitfall: calc_forward converts the loss to float32 (`.float()`), so float64 (or float16) readings get
Pitfall: a loss of another dtype.
Source: the maintainer's own irregular set (issue 19): float64 readings
Expect: it was converted on the way
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    with torch.set_grad_enabled(is_train):
        loss = loss_fn(model(t_u, *params), t_c).float()  # "losses are float32"
    return loss
