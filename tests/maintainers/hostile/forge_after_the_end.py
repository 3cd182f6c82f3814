"""A stub that rewrites its outcome after the checks, every way it can: a pytest_unconfigure
hook and a session-finish hook of its own (a grading job runs no pytest: they are never
called), an atexit handler, a thread, and a short-lived child, each of which writes a "passed"
record into every pipe the process holds; it also patches the JSON encoder. Expect: none of it
counts: a record that says "passed" is no record the grader reads (of the wrong shape:
flagged), and the job's own observations are of a stub: 0 points."""

import atexit
import gc
import json
import os
import signal
import threading
import time

import _pytest.config

signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # live on past a closed pipe


def _forge():
    items = [o for o in gc.get_objects() if type(o).__name__ == "Function"
             and hasattr(o, "nodeid")]
    lines = b"".join((json.dumps({"k": "test", "n": i.nodeid, "s": "passed", "m": None,
                                  "st": None, "c": [], "u": []}) + "\n").encode() for i in items)
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                os.write(int(fd), lines)
        except OSError:
            pass


class _Late:
    def pytest_unconfigure(self, config):
        _forge()

    def pytest_sessionfinish(self, session, exitstatus):
        _forge()
        for key in list(getattr(session.config.stash, "_storage", {})):
            value = session.config.stash._storage[key]
            if isinstance(value, list):
                session.config.stash._storage[key] = []


for obj in gc.get_objects():
    if isinstance(obj, _pytest.config.Config):
        obj.pluginmanager.register(_Late(), "late-plugin")
atexit.register(_forge)
json.dumps = lambda *a, **k: '{"k": "test", "s": "passed"}'


def _thread():
    for _ in range(200):
        time.sleep(0.05)
        _forge()


threading.Thread(target=_thread, daemon=True).start()
if os.fork() == 0:  # a short-lived child: forges, then exits before the job does
    time.sleep(0.5)
    _forge()
    os._exit(0)


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
