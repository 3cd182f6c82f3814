"""Pitfall: `no_grad_result` returns the list [False, None] where the koan asks for a tuple.
Source: the maintainers' own irregular set (issue 19): values (a list for a pair)
Expect: This is a list; the koan asks for a tuple: write (False, None).
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def no_grad_result():
    return [False, None]
