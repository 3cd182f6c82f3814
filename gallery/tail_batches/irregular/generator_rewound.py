"""Pitfall: the generator is reseeded with its own initial seed before each shuffle: it rewinds,
Pitfall: every epoch the same.
Source: the maintainers' own irregular set (issue 19): state (a second epoch with the same
Source: generator)
Expect: a second epoch with the same generator came in exactly the same order
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    if generator is not None:
        generator.manual_seed(generator.initial_seed())
    indices = torch.randperm(n, generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
