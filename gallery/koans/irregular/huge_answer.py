"""Pitfall: `int_list_after_loop` returns a list of 512 long strings (the printed text of each step,
Pitfall: as a log), far more than any prediction.
Source: the maintainers' own irregular set (issue 19): values (an answer too large to be one)
Expect: far more than any prediction; it asks for a list of ints
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_list_after_loop():
    return [f"step {i}: " + "p -= 4 " * 280 for i in range(512)]
