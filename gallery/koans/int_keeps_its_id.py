"""Pitfall: `p -= 4` on an int is taken to change the int itself, keeping its `id`.
Source: 003, notes on 《动手学深度学习》 linear regression (the int versus tensor `-=` example with `id()`).
Expect: An int is immutable
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_minus_equals_keeps_id():
    return True  # as if ints were changed in place like tensors
