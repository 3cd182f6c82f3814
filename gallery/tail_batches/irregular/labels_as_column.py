"""Pitfall: y is reshaped to a column whatever the labels' shape.
Source: the maintainers' own irregular set (issue 19): labels of shape (n,)
Expect: y has shape (5, 1), where `labels[idx]` has (5,)
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch].reshape(-1, 1)
