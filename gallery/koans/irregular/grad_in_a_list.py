"""Pitfall: `grad_after_two_backward_calls` returns [8.0], the number in a list.
Source: the maintainers' own irregular set (issue 19): values (a one-element list for a number)
Expect: Write the number itself, not a list of it: 8.0.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def grad_after_two_backward_calls():
    return [8.0]
