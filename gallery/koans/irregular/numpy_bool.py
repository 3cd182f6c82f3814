"""Pitfall: `int_minus_equals_keeps_id` returns numpy's False (numpy.bool), not Python's.
Source: the maintainers' own irregular set (issue 19): values (a numpy bool for a bool)
Expect: got a value of type numpy.bool
Expect: Write a Python bool (`bool(...)` gives one)
"""

import numpy

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def int_minus_equals_keeps_id():
    return numpy.bool_(False)
