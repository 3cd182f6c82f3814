"""A correct answer that first tries to kill the grader: its parent, init, and every process
it may signal (SIGSTOP). Expect: the grader survives and the run completes; all it can reach is
its own job (the job runs as a user of its own: its parent, the root server, and init are out of
reach; SIGSTOP to every process it may signal stops its own job), which ends at the time limit
or crashed: 0 points, nobody else affected."""

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
