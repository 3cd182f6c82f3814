"""Pitfall: `torch.set_grad_enabled(is_train)` called as a statement: autograd stays off.
Source: 001, (3)学习机制---Optimizers a la carte, Nits in autograd and switching it off (calc_forward with torch.set_grad_enabled(is_train)).
Expect: autograd is still switched off after the call
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def calc_forward(t_u, t_c, params, is_train):
    torch.set_grad_enabled(is_train)  # not a `with`: the mode stays as set after the return
    t_p = model(t_u, *params)
    return loss_fn(t_p, t_c)
