"""Pitfall: it converts each batch loss with .numpy() without torch.no_grad(), which raises for any
Pitfall: net whose parameters require grad.
Source: examiner set (issue 19): an nn.Linear net (parameters require grad): RuntimeError; a
Source: parameter-free net such as a lambda works
Expect: `.numpy()` refuses a loss that requires grad
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
    total, count = 0.0, 0
    for X, y in batches:
        total += float(loss_fn(net(X), y).numpy()) * len(X)
        count += len(X)
    return total / count
