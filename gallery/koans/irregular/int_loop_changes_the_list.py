"""Pitfall: `int_list_after_loop` returns [-3, -2]: `p -= 4` on the loop variable is taken to change
Pitfall: the list.
Source: the maintainers' own irregular set (issue 19): values (the loop taken to write into the
Source: list)
Expect: Your list is what the loop would give if `p -= 4` wrote into the list.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_list_after_loop():
    return [-3, -2]
