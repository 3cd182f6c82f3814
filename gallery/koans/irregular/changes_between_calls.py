"""Pitfall: `list_after_call` runs the snippet on one module-level list, so each call changes it again:
Pitfall: the second call answers otherwise.
Source: the maintainers' own irregular set (issue 19): state (a function called twice)
Expect: gave one answer at its first call and another at its second
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


_A = [1, 2, [3, 4]]


def _f(a):
    a[0] -= 1
    a[2][0] -= 1


def list_after_call():
    _f(_A)
    return _A
