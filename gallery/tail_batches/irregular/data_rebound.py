"""Pitfall: it updates through param.data = param.data - ..., which gives w and b new storage
Pitfall: instead of changing them in place, so a view or alias of w held by the caller keeps the
Pitfall: old values.
Source: examiner set (issue 19): an alias taken before the epoch (w_alias = w.detach(), or a
Source: view w[:, 0]): unchanged after the epoch
Expect: w or b got new storage
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
        for param in (w, b):
            param.data = param.data - lr * param.grad / len(X)
            param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += float(loss_fn(net(X), y)) * len(X)
            count += len(X)
    return total / count
