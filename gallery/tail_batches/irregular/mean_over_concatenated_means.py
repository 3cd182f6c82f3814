"""Pitfall: the batch means are summed and divided by the number of examples.
Source: the maintainers' own irregular set (issue 19): batches of unequal sizes
Expect: this is the sum of the batch means divided by the
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += loss_fn(net(X), y).item()
            count += len(X)
    return total / count
