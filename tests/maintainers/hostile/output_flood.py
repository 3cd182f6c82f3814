"""Prints megabytes, then fails. Expect: the output kept in OUT is capped; the kata is graded
normally (0 points: the answer is wrong)."""

_printed = []


def sgd_step(params, lr):
    if not _printed:
        _printed.append(True)
        print("spam " * 1_000_000)
    raise ValueError("boom")


def decrement_all(values, amount):
    raise ValueError("boom")
