"""Pitfall: it reads N(0, 0.01) as a variance and draws w with standard deviation 0.1, ten times
Pitfall: the contract's 0.01.
Source: examiner set (issue 19): num_epochs=0 with many features (the returned initial w has std
Source: about 0.1); after training the difference is mostly gone
Expect: `std` was read as a variance
"""

import math

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    w = torch.normal(0, math.sqrt(0.01), size=(d, 1), generator=g, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            l = squared_loss(features[idx] @ w + b, labels[idx])
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
