"""Pitfall: a batch shorter than batch_size is skipped "to keep the steps equal".
Source: the maintainers' own irregular set (issue 19): sizes that do not divide evenly
Expect: the tail batch was skipped
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad, b.grad = None, None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        if len(X) < batch_size:
            continue
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / len(X)
                param.grad.zero_()
