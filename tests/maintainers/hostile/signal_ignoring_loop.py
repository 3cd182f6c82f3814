"""Ignores every signal it can, pretends a debugger is attached (which turns pytest-timeout off),
then hangs. Expect: timeout (SIGKILL from outside cannot be ignored); the kata scores 0."""

import signal
import sys

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP, signal.SIGXCPU,
            signal.SIGUSR1, signal.SIGQUIT):
    try:
        signal.signal(sig, signal.SIG_IGN)
    except (OSError, ValueError):
        pass
sys.settrace(lambda *a: None)
sys.modules.setdefault("pydevd", sys)


def sgd_step(params, lr):
    while True:
        signal.alarm(0)


def decrement_all(values, amount):
    while True:
        pass
