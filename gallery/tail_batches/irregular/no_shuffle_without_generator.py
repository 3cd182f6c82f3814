"""Pitfall: it treats generator=None as "do not shuffle" and yields the examples in their stored
Pitfall: order, while the contract shuffles always (with the global RNG when no generator is
Pitfall: given).
Source: examiner set (issue 19): a call without a generator: batch 0 holds examples
Source: 0..batch_size-1, every epoch the same
Expect: without a generator the examples came out in their stored order
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    if generator is None:
        indices = torch.arange(n)
    else:
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
