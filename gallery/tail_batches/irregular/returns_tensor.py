"""Pitfall: it accumulates detached loss tensors and returns total / count, a 0-dim tensor, where
Pitfall: the contract asks for a Python float.
Source: examiner set (issue 19): any call: isinstance(result, float) is False (the value is
Source: right, so pytest.approx and math.isclose accept it)
Expect: dataset_mean_loss returned a tensor (with the right value)
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
    total, count = 0, 0
    with torch.no_grad():
        for X, y in batches:
            total = total + loss_fn(net(X), y) * len(X)
            count += len(X)
    return total / count
