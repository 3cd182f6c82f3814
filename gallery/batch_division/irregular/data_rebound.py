"""Pitfall: it assigns a new tensor to param.data, which is not an in-place update: the parameter
Pitfall: gets new storage, so every alias or view of it (and its version counter) misses the
Pitfall: step.
Source: examiner set (issue 19): an alias taken before the step (alias = w.detach(), or a view
Source: w[0]): it keeps the old values
Expect: the parameters got new storage
"""

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param.data = param.data - lr * param.grad / batch_size
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
