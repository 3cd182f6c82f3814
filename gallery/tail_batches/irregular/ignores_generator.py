"""Pitfall: the generator is ignored: the permutation always comes from torch's global generator.
Source: the maintainers' own irregular set (issue 19): randomness (the generator given)
Expect: the shuffle did not come from the `generator` given
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randperm(n)
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
