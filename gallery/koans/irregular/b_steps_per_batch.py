"""Pitfall: `updates_in_the_experiment` returns (100, 100): the experiment is taken to step after every
Pitfall: batch too.
Source: the maintainers' own irregular set (issue 19): values (B stepping once per batch)
Expect: B steps once an epoch, after its loop over the batches, not once per batch.
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def updates_in_the_experiment():
    return (100, 100)
