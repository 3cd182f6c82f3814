"""Pitfall: it weights each batch mean by its size but takes the number of examples as (number of
Pitfall: batches) x (size of the first batch), which is too large whenever the last batch is
Pitfall: short, and too small when the short batch comes first.
Source: examiner set (issue 19): batches of unequal sizes, e.g. [5, 5, 3] (denominator 15
Source: instead of 13) or [3, 5, 5]
Expect: every batch was counted as holding 10 examples, the short ones too
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
    total, num_batches, first = 0.0, 0, None
    with torch.no_grad():
        for X, y in batches:
            if first is None:
                first = len(X)
            total += loss_fn(net(X), y).item() * len(X)
            num_batches += 1
    return total / (num_batches * first)
