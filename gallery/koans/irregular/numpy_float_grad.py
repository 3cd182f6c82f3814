"""Pitfall: `grad_after_two_backward_calls` returns numpy.float64(8.0), not a Python number.
Source: the maintainers' own irregular set (issue 19): values (a numpy float for a number)
Expect: Write a plain Python number, 8.0
"""

import numpy

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def grad_after_two_backward_calls():
    return numpy.float64(8.0)
