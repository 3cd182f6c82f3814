"""Pitfall: the tail's gradient divided by the nominal batch size, not by the examples in it.
Source: 003, notes on 《动手学深度学习》 linear regression (the tail batch, and d2l's
`sgd([w, b], lr, batch_size)`, which divides every batch by batch_size).
Expect: the tail's gradient was divided by the nominal batch size
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403 - the reference, but for the line below


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        loss = ((X @ w + b - y) ** 2 / 2).sum()
        loss.backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / batch_size  # the tail holds fewer examples
                param.grad.zero_()
