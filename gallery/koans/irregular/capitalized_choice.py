"""Pitfall: `running_loss_kind` returns 'Tensor with a graph', the offered string in another case.
Source: the maintainers' own irregular set (issue 19): values (an offered string, spelled otherwise)
Expect: Write it exactly as offered: 'tensor with a graph'.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def running_loss_kind():
    return "Tensor with a graph"
