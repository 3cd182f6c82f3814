"""Pitfall: `no_grad_result` returns (0, None): an int for the requires_grad bool.
Source: the maintainers' own irregular set (issue 19): values (0 for False inside a pair)
Expect: the first item of the pair, requires_grad, asks for True or False (a bool); got the int 0
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def no_grad_result():
    return (0, None)
