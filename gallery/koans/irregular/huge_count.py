"""Pitfall: `losses_after_cat_loop` returns 10 ** 30, an int too large to cross as one.
Source: the maintainers' own irregular set (issue 19): values (an int beyond 64 bits)
Expect: your prediction is not what happens
Expect: `torch.cat` returns a new tensor and never changes its inputs
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def losses_after_cat_loop():
    return 10 ** 30
