"""Pitfall: it cuts the permutation with chunk(ceil(n / batch_size)), which makes chunks of ceil(n
Pitfall: / k) examples, not batch_size: for some sizes every batch is smaller than batch_size
Pitfall: (10 in batches of 6 gives 5 + 5, not 6 + 4).
Source: examiner set (issue 19): n = 10, batch_size = 6 (or 9 and 4, 11 and 5, 7 and 6); 1003 in
Source: 10s, 23 in 5s and every divisible size happen to come out right
Expect: the batches are what `torch.chunk(indices, ceil(n / batch_size))` gives
"""

import math

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator)
    for batch in indices.chunk(math.ceil(n / batch_size)):
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
