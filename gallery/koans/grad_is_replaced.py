"""Pitfall: a second `backward()` is taken to replace `.grad` rather than add to it.
Source: 002, 自动求导尝试 (gradients accumulate into .grad).
Expect: adds into `.grad`; it never replaces it
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def grad_after_two_backward_calls():
    return 4.0  # as if each backward overwrote the gradient
