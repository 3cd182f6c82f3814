"""Pitfall: `detach()` is taken to make a copy that can be changed freely.
Source: 002, 自动求导尝试 (.detach() separates a tensor from the computation history).
Expect: shares w's memory
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def w_after_detached_add():
    return [1.0, 1.0, 1.0]  # as if detach() copied the data
