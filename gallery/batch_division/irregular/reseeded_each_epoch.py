"""Pitfall: the shuffling generator is made anew from `seed` inside the epoch loop, so every epoch
Pitfall: draws the same permutation.
Source: examiner set (issue 19): a second epoch (its batches equal the first epoch's)
Expect: the shuffling generator was made anew
Expect: (or re-seeded) with the same seed every epoch
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    y = labels.reshape(n, 1)
    w = torch.normal(0.0, 0.01, size=(d, 1), generator=g, dtype=features.dtype).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            squared_loss(features[idx] @ w + b, y[idx]).sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
