"""The stub, plus a search of the keyrings its uid owns (user, user session, persistent) for the
`dojo-answers` key that keyring_leave_answers.py stored in an earlier job of the same slot, whose
source it then runs in its own module (exec): a classmate's answers, handed over through the
kernel, which no copy detection compares. It prints what it found (DOJO-HOSTILE-KEYS {...}).
Expect: nothing to find (the key calls fail with EPERM, and the slot's keyrings were invalidated
after the earlier job): its functions stay the stub's: 0, not started; the copying section
lists it (it builds code with exec, which cannot be compared)."""

import ctypes
import json
import os


def sgd_step(params, lr):
    """One step of gradient descent on every tensor of `params`, in place, then clear the grads."""
    raise NotImplementedError


def decrement_all(values, amount):
    """Subtract `amount` from every element so that the caller's list sees it."""
    raise NotImplementedError


_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine, 0)
_libc = ctypes.CDLL(None, use_errno=True)


def _call(number, *args):
    args = [ctypes.c_char_p(a) if isinstance(a, bytes) else ctypes.c_long(a) for a in args]
    result = _libc.syscall(ctypes.c_long(number), *args)
    return result if result >= 0 else -ctypes.get_errno()


_found, _answers = {}, None
for _where in (-4, -5, _call(_KEYCTL, 22, -1, -3)):  # user, user session, persistent
    _serial = _call(_KEYCTL, 10, _where, b"user", b"dojo-answers", 0)  # KEYCTL_SEARCH
    _found[str(_where)] = _serial
    if _serial > 0 and _answers is None:
        _buffer = ctypes.create_string_buffer(65536)
        _size = _call(_KEYCTL, 11, _serial, ctypes.addressof(_buffer), 65536)  # KEYCTL_READ
        _answers = _buffer.raw[:_size].decode() if _size > 0 else None
print("DOJO-HOSTILE-KEYS " + json.dumps({**_found, "ran": _answers is not None}), flush=True)
if _answers is not None:
    exec(_answers, globals())  # the classmate's functions replace the stubs above
