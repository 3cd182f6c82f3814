"""Pitfall: it walks over batches twice (once to count the examples, once to add the losses), so
Pitfall: when batches is a generator or a data_iter the second pass is empty and the result is
Pitfall: 0.0.
Source: examiner set (issue 19): batches given as a generator (e.g. data_iter(...)); a list of
Source: batches gives the right number
Expect: it walked over them twice
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
                param -= lr * param.grad / len(X)
                param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    count = sum(len(X) for X, _ in batches)
    total = 0.0
    with torch.no_grad():
        for X, y in batches:
            total += loss_fn(net(X), y).item() * len(X)
    return total / count
