"""Pitfall: it squeezes both tensors to 1-D and unsqueezes the result, but squeeze() on a batch of
Pitfall: one example gives a 0-dim tensor and unsqueeze(1) then fails.
Source: examiner set (issue 19): a batch of 1 (y_hat of shape (1, 1)); also the tail of 1
Source: example in train_linreg
Expect: on a batch of one example: something dropped the batch's dimension
"""

import torch


def squared_loss(y_hat, y):
    diff = y_hat.squeeze() - y.squeeze()
    return (diff ** 2 / 2).unsqueeze(1)


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
