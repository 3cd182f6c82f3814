"""Pitfall: it first runs data_iter once just to count the batches, which draws a permutation from
Pitfall: the generator, so the epoch it then trains on is not the one data_iter gives for this
Pitfall: generator.
Source: examiner set (issue 19): a seeded generator: the result differs from one epoch over
Source: data_iter(batch_size, features, labels, generator=an equally seeded generator)
Expect: train_epoch went through data_iter twice
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator)
    for i in range(0, n, batch_size):
        batch = indices[i:i + batch_size]
        yield features[batch], labels[batch]


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    num_batches = len(list(data_iter(batch_size, features, labels, generator=generator)))
    w.grad = None
    b.grad = None
    for k, (X, y) in enumerate(data_iter(batch_size, features, labels, generator=generator)):
        size = len(X) if k == num_batches - 1 else batch_size
        y_hat = X @ w + b
        l = ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum()
        l.backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / size
                param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += float(loss_fn(net(X), y)) * len(X)
            count += len(X)
    return total / count
