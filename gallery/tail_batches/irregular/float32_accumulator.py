"""Pitfall: it accumulates the weighted losses in torch.zeros(()), a float32 tensor, so with a
Pitfall: float64 model the sum is rounded to float32 at every step and the result is no longer
Pitfall: the float64 mean of all the examples.
Source: examiner set (issue 19): a float64 net and data: relative error around 1e-8 instead of
Source: 1e-15 (float32 models are unaffected)
Expect: the mean is right only to float32's precision
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
    total = torch.zeros(())
    count = 0
    with torch.no_grad():
        for X, y in batches:
            total += loss_fn(net(X), y) * len(X)
            count += len(X)
    return total.item() / count
