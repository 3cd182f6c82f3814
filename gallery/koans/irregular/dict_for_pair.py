"""Pitfall: `no_grad_result` returns a dict {'requires_grad': False, 'grad_fn': None}.
Source: the maintainers' own irregular set (issue 19): values (a dict for a pair)
Expect: Write a tuple of the two values, in this order: (requires_grad, grad_fn).
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def no_grad_result():
    return {"requires_grad": False, "grad_fn": None}
