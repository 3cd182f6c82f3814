"""Pitfall: `second_backward` predicts no error: the graph is believed to survive the first backward.
Source: the maintainers' own irregular set (issue 19): exceptions (None where the snippet raises)
Expect: It does raise: RuntimeError: Trying to backward through the graph a second time
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def second_backward():
    return None
