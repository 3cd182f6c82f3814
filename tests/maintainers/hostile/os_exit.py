"""Kills its own process with os._exit(0) from inside a test (no report gets written).
Expect: crashed; the kata scores 0."""

import os


def sgd_step(params, lr):
    os._exit(0)


def decrement_all(values, amount):
    os._exit(0)
