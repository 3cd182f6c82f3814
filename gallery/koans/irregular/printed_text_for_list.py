"""Pitfall: `int_list_after_loop` returns the string '[1, 2]', the text print shows.
Source: the maintainers' own irregular set (issue 19): values (a string for a list)
Expect: That is the text print shows; write the list itself, without quotes.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_list_after_loop():
    return "[1, 2]"
