"""Pitfall: __init__ keeps copies of the parameters (`p.detach().clone()`): the optimizer steps
Pitfall: its copies, and the caller's tensors never move.
Source: the maintainer's own irregular set (issue 19): any run.
Expect: the update did not reach the caller's tensor
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__([p.detach().clone().requires_grad_() for p in params], lr, momentum)
