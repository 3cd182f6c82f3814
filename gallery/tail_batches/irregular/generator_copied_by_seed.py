"""Pitfall: it copies the given generator by its initial_seed() instead of using it, so the
Pitfall: caller's generator never advances and every epoch run with the same generator gets the
Pitfall: same order.
Source: examiner set (issue 19): one generator used for two epochs: both epochs identical; two
Source: equally seeded generators (the usual test) agree as they should
Expect: a second epoch with the same generator came in exactly the same order
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    if generator is not None:
        generator = torch.Generator().manual_seed(generator.initial_seed())
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
