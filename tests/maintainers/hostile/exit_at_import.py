"""Calls sys.exit at import. Expect: the kata's file counts as broken, 0 points, nothing else
is affected."""

import sys

sys.exit(0)


def sgd_step(params, lr):
    pass


def decrement_all(values, amount):
    pass
