"""Right: it draws w from one generator and makes a fresh generator per epoch seeded with (seed,
Right: epoch), so each epoch's order is reproducible on its own
Source: examiner set (issue 19)
Handles: a second epoch (a different permutation), the same seed under different global states
"""

import torch


def squared_loss(y_hat, y):
    return 0.5 * (y_hat - y.reshape(-1, 1)) ** 2


def sgd(params, lr, batch_size):
    step = lr / batch_size
    with torch.no_grad():
        for param in params:
            param -= step * param.grad
            param.grad = None


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    init = torch.Generator().manual_seed(seed)
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), generator=init, dtype=features.dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for epoch in range(num_epochs):
        g = torch.Generator().manual_seed(seed * 1_000_003 + epoch + 1)
        perm = torch.randperm(features.shape[0], generator=g)
        for idx in torch.split(perm, batch_size):
            squared_loss(features[idx] @ w + b, labels[idx]).sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
