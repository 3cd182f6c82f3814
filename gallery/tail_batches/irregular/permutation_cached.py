"""Pitfall: the permutation is drawn once per n and kept in a module global: every epoch is the
Pitfall: same.
Source: the maintainers' own irregular set (issue 19): state (a second epoch)
Expect: so does a permutation kept from an earlier call
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403

_perms = {}


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    if n not in _perms:
        _perms[n] = torch.randperm(n, generator=generator)
    indices = _perms[n]
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
