"""Pitfall: `int_list_after_loop` returns a generator of the ints, not a list.
Source: the maintainers' own irregular set (issue 19): iteration (a generator for a list)
Expect: got a value of type builtins.generator
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_list_after_loop():
    return (p for p in [1, 2])
