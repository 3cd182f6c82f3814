"""Pitfall: lr is set on the class (`SGD.lr = lr`), not on the object: two optimizers side by
Pitfall: side both step with the lr of the one built last.
Source: the maintainer's own irregular set (issue 19): two optimizers side by side, with lrs of
Source: their own.
Expect: the lr of the other optimizer
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    lr = 0.01  # the class's default lr ...

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr, momentum)
        del self.lr
        SGD.lr = lr  # ... set for every SGD at once
