"""Pitfall: `nonscalar_backward` returns ' RuntimeError' and a newline: the name with spaces around it.
Source: the maintainers' own irregular set (issue 19): exceptions (the name padded)
Expect: without spaces around it: 'RuntimeError'
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def nonscalar_backward():
    return " RuntimeError\n"
