"""Pitfall: it builds the minibatch generator once, before the epoch loop, so the first epoch
Pitfall: exhausts it and every later epoch trains on nothing.
Source: examiner set (issue 19): num_epochs >= 2: the result of 3 epochs equals that of 1 epoch
Expect: only the first epoch trained
"""

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def data_iter(batch_size, features, labels, generator):
    perm = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = perm[i:i + batch_size]
        yield features[idx], labels[idx]


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    d = features.shape[1]
    w = torch.normal(0, 0.01, size=(d, 1), generator=g, dtype=features.dtype).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    batches = data_iter(batch_size, features, labels, g)
    for _ in range(num_epochs):
        for X, y in batches:
            l = squared_loss(X @ w + b, y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
