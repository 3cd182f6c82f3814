"""Pitfall: the mean loss *and* the division by the batch size (the gradient averaged twice).
Source: 003, notes on 《动手学深度学习》 linear regression ("为什么需要除以batch_size": sgd divides
because squared_loss is not averaged; averaging the loss as well divides twice).
Expect: averaged twice
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403 - the reference, but for the lines below


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            loss = squared_loss(linreg(X, w, b), y)
            loss.mean().backward()  # already the mean gradient...
            sgd([w, b], lr, len(X))  # ...divided by the batch size again
    return w, b
