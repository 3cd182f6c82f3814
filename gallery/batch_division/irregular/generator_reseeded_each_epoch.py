"""Pitfall: the shuffling generator is re-created from the seed inside every epoch: the same order
Pitfall: each epoch.
Source: the maintainers' own irregular set (issue 19): state (an epoch after the first)
Expect: the shuffling generator was made anew (or re-seeded) with the same seed every epoch
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    init = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=init, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        shuffle = torch.Generator().manual_seed(seed + 1)
        for X, y in data_iter(batch_size, features, labels, shuffle):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd([w, b], lr, len(X))
    return w, b
