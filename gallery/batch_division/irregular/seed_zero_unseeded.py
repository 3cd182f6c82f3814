"""Pitfall: it seeds the global RNG only `if seed:`, so seed=0, the default, is treated as "no
Pitfall: seed" and the run depends on the global random state.
Source: examiner set (issue 19): seed=0 (the default) under two different global torch states;
Source: any nonzero seed is fine
Expect: 0 was taken for "no seed"
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
    if seed:
        torch.manual_seed(seed)
    n, d = features.shape
    w = torch.normal(0, 0.01, size=(d, 1), dtype=features.dtype, requires_grad=True)
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        perm = torch.randperm(n)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            l = squared_loss(features[idx] @ w + b, labels[idx])
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
