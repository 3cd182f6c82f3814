"""Allocates memory until something stops it, in several processes at once. Expect: stopped
(memory limit or MemoryError); the kata scores 0 and the run goes on."""

import os

hog = []
for _ in range(3):
    if os.fork() == 0:
        break
while True:
    hog.append(b"x" * (64 * 1024 * 1024))


def sgd_step(params, lr):
    pass


def decrement_all(values, amount):
    pass
