"""Right: it keeps d2l's random.shuffle of a list of indices, but on a private random.Random(seed),
Right: and draws w from a torch Generator seeded with the same seed
Source: examiner set (issue 19)
Handles: the same seed under different global torch and Python random states, a second epoch
"""

import random

import torch


def squared_loss(y_hat, y):
    return torch.square(y_hat - torch.reshape(y, y_hat.shape)).div(2)


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param.sub_(lr * param.grad / batch_size)
            param.grad.zero_()


def data_iter(batch_size, features, labels, rng):
    indices = list(range(len(features)))
    rng.shuffle(indices)
    for i in range(0, len(indices), batch_size):
        batch = torch.tensor(indices[i:min(i + batch_size, len(indices))])
        yield features[batch], labels[batch]


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    rng = random.Random(seed)
    g = torch.Generator().manual_seed(seed)
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), generator=g, dtype=features.dtype)
    w.requires_grad_(True)
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, rng):
            l = squared_loss(X @ w + b, y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
