"""Pitfall: `losses_after_cat_loop` returns the string '10', the text print shows.
Source: the maintainers' own irregular set (issue 19): values (a string for a count)
Expect: Write the number itself, without quotes: 10.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def losses_after_cat_loop():
    return "10"
