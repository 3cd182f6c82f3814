"""Fills every disk it can reach with files it deletes while keeping them open (a folder walk
never sees them), in /tmp, /dev/shm and $HOME, and in memory-backed files. Expect: all its
writes land on its own size-limited filesystem, which fills up at the limit (the job is
stopped: disk, or it fails); the neighbours graded at the same time keep their marks."""

import os

chunk = b"\0" * (4 * 1024 * 1024)
handles = []
for folder in ("/tmp", "/dev/shm", os.environ.get("HOME", "/tmp")):
    for k in range(1000):
        try:
            path = os.path.join(folder, f"hidden-{k}")
            handle = open(path, "wb")
            os.unlink(path)
            handles.append(handle)
            for _ in range(64):
                handle.write(chunk)
                handle.flush()
        except OSError:
            break
try:
    fd = os.memfd_create("hidden")
    for _ in range(512):
        os.write(fd, chunk)
except (OSError, AttributeError):
    pass


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
