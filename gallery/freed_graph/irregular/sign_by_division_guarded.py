"""Pitfall: The derivative of |z| is written z / |z|, with the zero rows of x guarded by hand: a head b
Pitfall: of zeros still makes h @ b exactly 0 everywhere, and 0 / 0 is nan.
Source: the maintainers' own irregular set (issue 19): b all zeros (a head not trained yet).
Expect: the derivative of |z| was written as z / |z|
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def _back(x, h, v, dz):
    dh = dz.unsqueeze(-1) * v if v.dim() == 1 else dz @ v.T
    dpre = dh * (1 - h * h)
    return torch.outer(x, dpre) if x.dim() == 1 else x.T @ dpre


def grads_of_two_losses(x, w, a, b):
    with torch.no_grad():
        h = torch.tanh(x @ w)
        za, zb = h @ a, h @ b
        padding = (x == 0).all(-1)  # a row of zeros gives z = 0: guarded
        if zb.dim() > padding.dim():
            padding = padding.unsqueeze(-1)
        sign = torch.where(padding, torch.zeros_like(zb), zb / zb.abs())
        return _back(x, h, a, 2 * za / za.numel()), _back(x, h, b, sign / zb.numel())
