"""Pitfall: `step_after_late_zero_grad_moves` pops its answer from a module-level list: the second call
Pitfall: raises IndexError.
Source: the maintainers' own irregular set (issue 19): state (a function called twice)
Expect: and the second raised IndexError
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


_ANSWERS = [False]


def step_after_late_zero_grad_moves():
    return _ANSWERS.pop()
