"""Pitfall: the derivative is taken in forward mode, `torch.func.jvp(f, (x,), (ones,))`, which
Pitfall: cannot make a dual tensor of an expanded x (its elements share one memory location).
Source: examiner set (issue 19): memory layout (an expanded x)
Expect: jvp on this x
Expect: raises the same error (replayed here)
"""

import torch
from torch.func import jvp

from solutions.nonscalar_backward import *  # noqa: F401,F403


def elementwise_grad(f, x):
    primal = x.detach()
    _, tangent_out = jvp(f, (primal,), (torch.ones_like(primal),))
    return tangent_out
