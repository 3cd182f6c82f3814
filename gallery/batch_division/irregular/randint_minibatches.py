"""Pitfall: each minibatch is drawn with `torch.randint`, with replacement, instead of cutting a
Pitfall: shuffled permutation: within an epoch some examples are used twice and others never.
Source: examiner set (issue 19): randomness (a permutation, not a sample)
Expect: what minibatches drawn with replacement give
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
        for start in range(0, n, batch_size):
            idx = torch.randint(0, n, (min(batch_size, n - start),), generator=g)
            squared_loss(features[idx] @ w + b, y[idx]).sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
