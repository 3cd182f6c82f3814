"""Pitfall: `list_after_call` returns [1, 2, [3, 4]]: the function is taken to work on a copy of the
Pitfall: list.
Source: the maintainers' own irregular set (issue 19): values (the caller's list taken to be copied)
Expect: as if `f` had worked on a copy
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def list_after_call():
    return [1, 2, [3, 4]]
