"""Pitfall: `nonscalar_backward` returns 'builtins.RuntimeError', the name with its module.
Source: the maintainers' own irregular set (issue 19): exceptions (a module-qualified name)
Expect: Write only the class's name, without its module: 'RuntimeError'
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def nonscalar_backward():
    return "builtins.RuntimeError"
