"""Pitfall: it draws w from the seeded generator but shuffles with Python's global random.shuffle
Pitfall: (as d2l's data_iter does), so the same seed gives a different run whenever Python's
Pitfall: random state differs.
Source: examiner set (issue 19): two calls with the same seed after random.seed(1) and
Source: random.seed(2); it hides from a test that reseeds every RNG (Python's included) to the
Source: same value before each call and then varies torch's state only
Expect: when Python's `random` module was set differently before each
"""

import random

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    w = torch.normal(0, 0.01, size=(d, 1), generator=g, dtype=features.dtype).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        indices = list(range(n))
        random.shuffle(indices)
        for i in range(0, n, batch_size):
            idx = torch.tensor(indices[i:min(i + batch_size, n)])
            l = squared_loss(features[idx] @ w + b, labels[idx])
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
