"""Pitfall: the signature's default is `momentum=0.9`: an SGD built without a momentum carries
Pitfall: momentum where the contract's default is 0.
Source: the maintainer's own irregular set (issue 19): SGD(params, lr) without momentum.
Expect: carry momentum where no momentum (the default, 0) was asked
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.9):  # torch's tutorials' favourite, not its default
        super().__init__(params, lr, momentum)
