"""Pitfall: each epoch samples n indices with replacement: some examples twice, some never.
Source: the maintainers' own irregular set (issue 19): randomness (a permutation, not a sample)
Expect: what minibatches drawn with replacement give
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, generator):
    indices = torch.randint(len(features), (len(features),), generator=generator)
    for i in range(0, len(features), batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd([w, b], lr, len(X))
    return w, b
