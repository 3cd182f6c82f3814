"""Pitfall: each step is computed in float32 and subtracted from float64 parameters.
Source: the maintainers' own irregular set (issue 19): dtypes (float64 parameters)
Expect: the epoch is right only to float32's precision
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad, b.grad = None, None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        with torch.no_grad():
            for param in (w, b):
                param -= (lr * param.grad / len(X)).float()
                param.grad.zero_()
