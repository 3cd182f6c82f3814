"""Pitfall: it switches grad mode off and then back *on* instead of restoring what it was, so an
Pitfall: sgd called inside the caller's torch.no_grad() turns recording back on for the rest of
Pitfall: that block.
Source: examiner set (issue 19): sgd called while grad mode is off (inside with
Source: torch.no_grad()): afterwards torch.is_grad_enabled() is True
Expect: sgd switched autograd on inside the caller's `torch.no_grad()` block
"""

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    torch.set_grad_enabled(False)
    for param in params:
        param -= lr * param.grad / batch_size
        param.grad.zero_()
    torch.set_grad_enabled(True)


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
