"""Pitfall: `updates_in_the_experiment` returns (100, 1, 300): the total added to the pair.
Source: the maintainers' own irregular set (issue 19): values (a tuple of three for a pair)
Expect: A pair has exactly two items; this has 3.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def updates_in_the_experiment():
    return (100, 1, 300)
