"""Pitfall: `for v in values: v -= amount` on a list of ints (the list never changes).
Source: 003, notes on 《动手学深度学习》 linear regression (the int versus tensor `-=` example).
Expect: the list did not change
"""

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for the line below


def decrement_all(values, amount):
    for v in values:
        v -= amount  # rebinds the loop variable; an int is immutable
