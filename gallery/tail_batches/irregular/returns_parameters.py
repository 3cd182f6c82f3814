"""Pitfall: train_epoch returns (w, b) where the contract returns None.
Source: the maintainers' own irregular set (issue 19): any call
Expect: train_epoch returns None
"""

from solutions.tail_batches import *  # noqa: F401,F403
from solutions.tail_batches import train_epoch as _train_epoch


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    _train_epoch(w, b, features, labels, batch_size=batch_size, lr=lr, generator=generator)
    return w, b
