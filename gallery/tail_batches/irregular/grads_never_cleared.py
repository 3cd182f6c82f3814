"""Pitfall: the gradients are never cleared between steps: they pile up.
Source: the maintainers' own irregular set (issue 19): state (a second step)
Expect: the gradients were never cleared between the steps
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad, b.grad = None, None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / len(X)
    w.grad, b.grad = None, None
