"""A correct answer whose helper leaves the process group (setsid) and keeps running, hoping
that killpg misses it. Expect: killed anyway; the kata flagged."""

import os
import time

import torch

if os.fork() == 0:
    os.setsid()
    os.environ.clear()  # and drops any marker in its environment
    while True:
        time.sleep(0.1)


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()


def decrement_all(values, amount):
    for i, v in enumerate(values):
        if isinstance(v, torch.Tensor):
            v -= amount
        else:
            values[i] = v - amount
