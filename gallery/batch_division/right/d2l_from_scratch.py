"""Right: the articles' own code (d2l's data_iter, linreg, squared_loss and sgd), with the one
Right: change the contract asks: its shuffle is drawn from a `random.Random(seed)` of its own, not
Right: from Python's global `random`, and w from a generator seeded with the same seed.
Source: 000, 最简单的深度学习训练代码, done right
"""

import random

import torch


def data_iter(batch_size, features, labels, rng):
    num_examples = len(features)
    indices = list(range(num_examples))
    rng.shuffle(indices)  # the examples are read in a random order
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i:min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    rng = random.Random(seed)
    g = torch.Generator().manual_seed(seed)
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), generator=g, dtype=features.dtype)
    w.requires_grad_(True)
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    net, loss = linreg, squared_loss
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, rng):
            l = loss(net(X, w, b), y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
