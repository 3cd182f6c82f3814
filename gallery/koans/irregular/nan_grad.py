"""Pitfall: `grad_after_two_backward_calls` returns nan.
Source: the maintainers' own irregular set (issue 19): values (nan for a number)
Expect: adds into `.grad`; it never replaces it
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def grad_after_two_backward_calls():
    return float("nan")
