"""Pitfall: `nonscalar_backward` raises RuntimeError itself instead of returning its name.
Source: the maintainers' own irregular set (issue 19): exceptions (a koan function that raises)
Expect: raised RuntimeError
Expect: return its name as a string ('RuntimeError')
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def nonscalar_backward():
    raise RuntimeError("grad can be implicitly created only for scalar outputs")
