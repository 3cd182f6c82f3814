"""Pitfall: `second_backward` returns False for 'no error' (and a second backward does raise).
Source: the maintainers' own irregular set (issue 19): exceptions (False for None)
Expect: For no error write None (False is not None)
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def second_backward():
    return False
