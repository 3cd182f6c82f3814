"""Pitfall: `losses_after_cat_loop` returns numpy.int64(10), not a Python int.
Source: the maintainers' own irregular set (issue 19): values (a numpy int for a count)
Expect: got a value of type numpy.int64
Expect: Write a Python int
"""

import numpy

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def losses_after_cat_loop():
    return numpy.int64(10)
