"""Pitfall: calc_forward returns `loss.item()` when not training, a Python number instead of the loss
Pitfall: tensor.
Source: the maintainer's own irregular set (issue 19): is_train=False
Expect: calc_forward returned a Python number
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    with torch.set_grad_enabled(is_train):
        loss = loss_fn(model(t_u, *params), t_c)
    return loss if is_train else loss.item()  # "no graph, so just the number"
