"""Pitfall: the mean comes back as a numpy.float32, not a Python float.
Source: the maintainers' own irregular set (issue 19): any call
Expect: dataset_mean_loss must return a Python float
"""

import numpy as np
import torch

from solutions.tail_batches import *  # noqa: F401,F403


def dataset_mean_loss(net, loss_fn, batches):
    total, count = np.float32(0.0), 0
    with torch.no_grad():
        for X, y in batches:
            total += np.float32(loss_fn(net(X), y).item()) * len(X)
            count += len(X)
    return total / count
