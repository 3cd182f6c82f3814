"""Pitfall: the weighted sum is divided by the number of batches.
Source: the maintainers' own irregular set (issue 19): batches of unequal sizes
Expect: divided the sum over the examples by the number of batches (3)
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += loss_fn(net(X), y).item() * len(X)
            count += 1
    return total / count
