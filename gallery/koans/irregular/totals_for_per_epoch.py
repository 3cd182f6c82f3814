"""Pitfall: `updates_in_the_experiment` returns (300, 300), the totals over all epochs, not per epoch.
Source: the maintainers' own irregular set (issue 19): values (the totals where the koan asks per
Source: epoch)
Expect: 300 and 300 are the totals over all the epochs of each loop; the koan asks per epoch.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def updates_in_the_experiment():
    return (300, 300)
