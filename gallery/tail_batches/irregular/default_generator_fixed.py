"""Pitfall: with no generator it falls back to a fresh torch.Generator(), whose default seed is a
Pitfall: constant, so every call without a generator yields the very same order whatever the
Pitfall: global RNG: no reshuffling between epochs.
Source: examiner set (issue 19): two calls without a generator (even under different
Source: torch.manual_seed): identical orders
Expect: the permutation comes from a generator made afresh inside
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    generator = generator or torch.Generator()
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
                param -= lr * param.grad / len(X)
                param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += float(loss_fn(net(X), y)) * len(X)
            count += len(X)
    return total / count
