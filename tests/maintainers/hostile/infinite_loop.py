"""Hangs in the kata's function. Expect: timeout; the kata scores 0."""


def sgd_step(params, lr):
    while True:
        pass


def decrement_all(values, amount):
    while True:
        pass
