"""Pitfall: it returns w.detach() and b.detach(), tensors that no longer require grad, where the
Pitfall: contract returns the trained leaves w and b that require grad.
Source: examiner set (issue 19): any call: the returned tensors have requires_grad False (values
Source: are right), so the caller cannot go on training them
Expect: came back detached
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
            l = squared_loss(features[idx] @ w + b, labels[idx])
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w.detach(), b.detach()
