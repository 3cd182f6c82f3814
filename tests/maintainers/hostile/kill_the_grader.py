"""A correct answer that first tries to kill the grader: its parent, every process it may
signal, and the process group. Expect: the grader survives, the run completes, this kata is
graded (10 points: the answer is right and the attack failed)."""

import os
import signal

import torch

for target in (os.getppid(), 1):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGSTOP)  # only ever reaches this job's own user
except OSError:
    pass


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
