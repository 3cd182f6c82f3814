"""Thirty busy children and a busy parent, so that a neighbour graded at the same time runs
past its own wall clock. Expect: this job times out (0 points); its CPU time is capped at one
core's worth, so the honest neighbours graded beside it keep their marks."""

import os

for _ in range(30):
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError:
        break


def sgd_step(params, lr):
    while True:
        pass


def decrement_all(values, amount):
    while True:
        pass
