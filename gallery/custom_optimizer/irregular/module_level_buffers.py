"""Pitfall: the momentum buffers live in one module-level list, by position: every SGD object
Pitfall: (a restart, two side by side, the next run) reads and writes the same buffers.
Source: the maintainer's own irregular set (issue 19): a second optimizer and a second run in the
Source: same process.
Expect: `step()` raised RuntimeError
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference

BUFFERS = []  # one buffer per position, for the whole program


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr, momentum)
        BUFFERS.extend([None] * (len(self.params) - len(BUFFERS)))
        self.buffers = BUFFERS
