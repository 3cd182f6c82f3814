"""Pitfall: calc_forward avoids the graph by switching the params' `requires_grad` to is_train:
Pitfall: after a validation call they no longer require grad, and the next training step has no
Pitfall: gradient.
Source: the maintainer's own irregular set (issue 19): is_train=False (the params afterwards)
Expect: The params were cut out
Expect: after the call the params are no longer leaves that require grad
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def calc_forward(t_u, t_c, params, is_train):
    for p in ([params] if isinstance(params, torch.Tensor) else params):
        p.requires_grad_(is_train)  # "no grad when validating"
    return loss_fn(model(t_u, *params), t_c)
