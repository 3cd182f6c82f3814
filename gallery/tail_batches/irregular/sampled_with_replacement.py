"""Pitfall: the indices are drawn with replacement: some examples twice, some never.
Source: the maintainers' own irregular set (issue 19): values (a permutation, not a sample)
Expect: the indices were drawn with replacement
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randint(n, (n,), generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
