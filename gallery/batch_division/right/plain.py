"""Right: it is the plain answer of the hints, kept as the examiner's reference
Source: examiner set (issue 19)
Handles: y of shape (n,) or (n, 1), a batch of 1, float64 data (w and b follow the features'
Handles: dtype), a second epoch (a fresh permutation from the same generator)
"""

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
