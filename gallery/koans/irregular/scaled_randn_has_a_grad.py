"""Pitfall: `scaled_randn_grad_is_none` returns False: `randn(..., requires_grad=True) * 0.01` is taken
Pitfall: to be a leaf.
Source: the maintainers' own irregular set (issue 19): values (a non-leaf taken for a leaf)
Expect: backward fills `.grad` on leaves only
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def scaled_randn_grad_is_none():
    return False
