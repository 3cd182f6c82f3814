"""Pitfall: the summed gradient of a minibatch divided by the dataset size instead of the batch
Pitfall: size: every step is batch_size / n of the mean gradient's step.
Source: 003, notes on 《动手学深度学习》 linear regression ("为什么需要除以batch_size": the division
Source: turns the batch's summed gradient into its mean, so it is by the batch's own size).
Expect: divided by the dataset size
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403 - the reference, but for the line below


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            loss = squared_loss(linreg(X, w, b), y)
            loss.sum().backward()
            sgd([w, b], lr, len(features))  # n, all the examples: not the batch's size
    return w, b
