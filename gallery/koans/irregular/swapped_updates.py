"""Pitfall: `updates_in_the_experiment` returns (1, 100): A's and B's counts swapped.
Source: the maintainers' own irregular set (issue 19): order (the two counts swapped)
Expect: Your numbers are the right ones, swapped
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def updates_in_the_experiment():
    return (1, 100)
