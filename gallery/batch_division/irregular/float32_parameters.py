"""Pitfall: w and b made in float32 whatever the features' dtype.
Source: the maintainers' own irregular set (issue 19): dtypes (float64 features)
Expect: `w` is float32, where the features are float64
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd([w, b], lr, len(X))
    return w, b
