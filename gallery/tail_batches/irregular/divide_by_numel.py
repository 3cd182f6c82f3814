"""Pitfall: it divides each step by X.numel(), the number of *entries* in the batch, which is
Pitfall: len(X) times the number of features, so with d > 1 every step is d times too small.
Source: examiner set (issue 19): features with more than one column (d = 2 already); with d = 1
Source: (the thermometer data) it is right
Expect: divided by `X.numel()`
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i:i + batch_size]
        yield features[batch], labels[batch]


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad = None
    b.grad = None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        y_hat = X @ w + b
        l = ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum()
        l.backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / X.numel()
                param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += float(loss_fn(net(X), y)) * len(X)
            count += len(X)
    return total / count
