"""Right: it seeds the *global* RNG with torch.manual_seed inside torch.random.fork_rng(), instead
Right: of passing a Generator around
Source: examiner set (issue 19)
Handles: the same seed under different global torch and Python random states; the caller's
Handles: global RNG state is left as it was
"""

import torch


def squared_loss(y_hat, y):
    return (y_hat - y.view(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param.copy_(param - lr * param.grad / batch_size)
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        n, d = features.shape
        w = torch.normal(0, 0.01, (d, 1), dtype=features.dtype, requires_grad=True)
        b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
        for _ in range(num_epochs):
            indices = torch.randperm(n)
            for i in range(0, n, batch_size):
                batch = indices[i:min(i + batch_size, n)]
                squared_loss(features[batch] @ w + b, labels[batch]).sum().backward()
                sgd([w, b], lr, batch_size)
    return w, b
