"""Pitfall: `w_after_detached_add` returns the tuple (2.0, 2.0, 2.0) for a list.
Source: the maintainers' own irregular set (issue 19): values (a tuple for a list of numbers)
Expect: The koan asks for a list: write [2.0, 2.0, 2.0].
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def w_after_detached_add():
    return (2.0, 2.0, 2.0)
