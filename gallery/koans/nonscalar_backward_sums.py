"""Pitfall: `y.backward()` on a non-scalar is taken to sum the elements by itself.
Source: 002, 自动求导尝试 (backward on a non-scalar needs a gradient argument).
Expect: grad can be implicitly created only for scalar outputs
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def nonscalar_backward():
    return None  # as if backward reduced a non-scalar by itself
