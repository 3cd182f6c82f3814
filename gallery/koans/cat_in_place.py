"""Pitfall: `torch.cat((l, new), dim=0)` is taken to grow `l` in place, its result left unassigned.
Source: 003, notes on 《动手学深度学习》 linear regression (gathering an epoch's losses for one update per epoch).
Expect: never changes its inputs
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def losses_after_cat_loop():
    return 1000  # as if torch.cat appended to l
