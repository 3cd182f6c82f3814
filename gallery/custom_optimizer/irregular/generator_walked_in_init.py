"""Pitfall: __init__ checks that params is not empty by walking it (`if not list(params)`) before
Pitfall: making its own list: given a generator, that list is empty.
Source: the maintainer's own irregular set (issue 19): params as a generator, zero_grad() first.
Expect: they came as a generator (`model.parameters()`), which can be walked only once
"""

from solutions.custom_optimizer import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.custom_optimizer import SGD as _Reference


class SGD(_Reference):
    def __init__(self, params, lr, momentum=0.0):
        if not list(params):  # walks a generator to its end ...
            raise ValueError("SGD got no parameters")
        super().__init__(params, lr, momentum)  # ... so list(params) is empty here
