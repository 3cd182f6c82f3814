"""Pitfall: it reshapes y with resize_as_, which changes the caller's label tensor in place and, on
Pitfall: a non-contiguous y, reinterprets its storage so the labels read are the wrong numbers.
Source: examiner set (issue 19): a non-contiguous y of shape (n,) such as a column data[:, -1]
Source: (wrong values); any y of shape (n,) (the caller's tensor becomes (n, 1))
Expect: it was reshaped in place
"""

import torch


def squared_loss(y_hat, y):
    y.resize_as_(y_hat)
    return (y_hat - y) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    w = torch.normal(0, 0.01, size=(d, 1), generator=g, dtype=features.dtype).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            X, y = features[idx], labels[idx]
            l = squared_loss(X @ w + b, y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
