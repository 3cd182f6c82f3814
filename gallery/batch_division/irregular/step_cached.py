"""Pitfall: it computes lr / batch_size once and keeps it in a module global, so a later call with
Pitfall: another lr or batch size still steps by the first call's rate.
Source: examiner set (issue 19): a second call of sgd with a different lr or batch_size (for
Source: example sgd(..., 0.1, 10) then sgd(..., 0.1, 5))
Expect: the rate of an earlier call
"""

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


_step = None


def sgd(params, lr, batch_size):
    global _step
    if _step is None:
        _step = lr / batch_size
    with torch.no_grad():
        for param in params:
            param -= _step * param.grad
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
