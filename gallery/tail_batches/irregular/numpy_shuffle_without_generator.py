"""Pitfall: without a generator the shuffle comes from NumPy's global generator, which
Pitfall: torch.manual_seed does not repeat.
Source: the maintainers' own irregular set (issue 19): randomness (no generator: torch's global
Source: generator)
Expect: without a generator, two calls after the same `torch.manual_seed(5)` gave different orders
"""

import numpy as np
import torch

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    if generator is None:
        indices = torch.from_numpy(np.random.permutation(n))
    else:
        indices = torch.randperm(n, generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
