"""Pitfall: momentum is set on the class (`SGD.momentum = momentum`): two optimizers side by side
Pitfall: both use the momentum of the one built last.
Source: the maintainer's own irregular set (issue 19): two optimizers side by side, with momenta
Source: of their own.
Expect: used momentum 0.5, the other optimizer's, not its own 0.9
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    momentum = 0.0

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr, momentum)
        del self.momentum
        SGD.momentum = momentum  # set for every SGD at once
