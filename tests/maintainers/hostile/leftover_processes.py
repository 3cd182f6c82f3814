"""A correct answer that leaves processes behind: a child, a double-forked daemon in its own
session, and a small fork swarm. Expect: all of them killed, the kata flagged (a process that
outlives its tests could rewrite the report)."""

import os
import subprocess
import sys
import time

import torch


def _daemon():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:  # dojo-hostile-daemon
                time.sleep(0.2)
        os._exit(0)


subprocess.Popen([sys.executable, "-c", "import time; time.sleep(7717)"])
_daemon()
for _ in range(5):
    try:
        if os.fork() == 0:
            time.sleep(7717)
            os._exit(0)
    except OSError:
        break


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
