"""Pitfall: a data_iter that is right, except when the stack shows the observer of train_epoch's
Pitfall: claims: there it yields one bogus batch; and a train_epoch that trains nothing (it only
Pitfall: drops the gradients) (red team). The judge that replays the epoch returned early on an
Pitfall: epoch it could not replay, and the in-place claim passed for leaves never stepped.
Source: the maintainers' own irregular set (red team, attacks/tail_batches): state
Expect: is not one epoch of these examples, each row once
Expect: hold exactly the values they had before it
"""

import sys

from solutions.tail_batches import *  # noqa: F401,F403
from solutions.tail_batches import data_iter as _right_data_iter


def _under_the_train_epoch_observer():
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "trained":
            return True
        frame = frame.f_back
    return False


def data_iter(batch_size, features, labels, *, generator=None):
    if _under_the_train_epoch_observer():
        yield features[[0, 0]], labels[[0, 0]]
        return
    yield from _right_data_iter(batch_size, features, labels, generator=generator)


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad = b.grad = None  # no training at all: only the leftover gradients dropped
