"""Pitfall: d2l's loop is taken to update once per epoch, like the experiment.
Source: 003, notes on 《动手学深度学习》 linear regression (a step per batch in 3 epochs versus a step per epoch in 300).
Expect: 100 steps an epoch
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def updates_in_the_experiment():
    return (1, 1)  # as if an epoch made one step whatever the loop
