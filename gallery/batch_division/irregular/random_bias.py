"""Pitfall: b drawn from N(0, 0.01) too, not zeros.
Source: the maintainers' own irregular set (issue 19): values (the initial b)
Expect: b must start at zero
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, dtype=features.dtype)
    w.requires_grad_()
    b = torch.normal(0.0, 0.01, (1,), generator=generator, dtype=features.dtype).requires_grad_()
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd([w, b], lr, len(X))
    return w, b
