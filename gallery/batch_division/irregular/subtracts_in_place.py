"""Pitfall: it subtracts the labels from y_hat in place, so the caller's prediction tensor is
Pitfall: overwritten by the residual (and a y_hat that is a leaf requiring grad raises).
Source: examiner set (issue 19): a y_hat the caller keeps using after the call (it now holds
Source: y_hat - y); a leaf y_hat with requires_grad=True
Expect: squared_loss overwrote the caller's y_hat with y_hat - y
"""

import torch


def squared_loss(y_hat, y):
    diff = y_hat.sub_(y.reshape(y_hat.shape))
    return diff ** 2 / 2


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
