"""Pitfall: d2l's random.shuffle of a list of indices: neither the generator nor torch's global
Pitfall: state decides the order.
Source: the maintainers' own irregular set (issue 19): randomness (the generator given)
Expect: the shuffle did not come from the `generator` given
"""

import random

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = list(range(n))
    random.shuffle(indices)
    for i in range(0, n, batch_size):
        batch = torch.tensor(indices[i : min(i + batch_size, n)])
        yield features[batch], labels[batch]
