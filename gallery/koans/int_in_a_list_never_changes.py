"""Pitfall: ints being immutable is taken to mean `a[0] -= 1` cannot change the caller's list.
Source: 003, notes on 《动手学深度学习》 linear regression (`id(a[0])` inside and outside a function).
Expect: stored back into that list
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def list_after_call():
    return [1, 2, [2, 4]]  # as if an immutable element could not be replaced
