"""A correct answer that first tries to kill the grader: its parent, init, and every process
it may signal (SIGSTOP). Expect: the grader survives and the run completes; the job runs as a
user of its own, so its parent (the root server) and init are out of reach, and `kill(-1)`
reaches no process but its own user's (none but itself, which it spares): nobody else is
affected, and the answer, which is right, keeps its marks (the attack gains nothing)."""

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
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
