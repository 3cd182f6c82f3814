"""A stub that leaves everything a grader might trip on: 200,000 nested brackets, records of
the wrong types, invalid UTF-8 and a 1 MB line on every pipe it holds; FIFOs, folders and
symlinks where a report, a progress log or an integrity file used to go, in every folder it
may write; a folder 4,000 levels deep; and a process name, its own and a lingering child's,
that is not UTF-8. Expect: the run completes and every other submission is graded as usual;
this kata scores 0 (flagged: it wrote garbage to the grader's channel)."""

import ctypes
import os
import signal
import time

signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # live on past a closed pipe

libc = ctypes.CDLL(None)
garbage = [b"[" * 200_000 + b"\n",
           b'{"k": "test", "n": ["not", "a", "string"], "s": 7}\n',
           b'{"k": "test", "n": "x", "s": "passed", "m": {"a": [[[[1]]]]}}\n',
           b"\xff\xfe\xfd not utf-8 \x80\n",
           b"x" * (1 << 20) + b"\n"]
for fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            for chunk in garbage:
                os.write(int(fd), chunk)
    except OSError:
        pass
for folder in (".", "out", os.environ.get("HOME", "/tmp"), "/tmp", "/dev/shm"):
    for name in ("report.json", "progress.log", "integrity.json", "log.txt", "sandbox-used.json"):
        path = os.path.join(folder, name)
        for make in (lambda p: os.mkfifo(p), lambda p: os.mkdir(p),
                     lambda p: os.symlink("/dev/zero", p)):
            try:
                make(path)
                break
            except OSError:
                continue
try:
    deep = "/tmp/deep"
    os.mkdir(deep)
    os.chdir(deep)
    for _ in range(4000):
        os.mkdir("d")
        os.chdir("d")
    os.chdir("/")
except OSError:
    pass
libc.prctl(15, b"\xff\xfe\xc3(bad\x80", 0, 0, 0)  # PR_SET_NAME
if os.fork() == 0:
    libc.prctl(15, b"\x80\x81\x82\xff", 0, 0, 0)
    time.sleep(3)
    os._exit(0)


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
