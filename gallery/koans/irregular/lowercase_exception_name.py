"""Pitfall: `second_backward` returns 'runtimeerror', the name in another case.
Source: the maintainers' own irregular set (issue 19): exceptions (another spelling of the name)
Expect: Python spells it 'RuntimeError': names are case-sensitive
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def second_backward():
    return "runtimeerror"
