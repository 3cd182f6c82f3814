"""Right: a DataLoader over a TensorDataset shuffles with a generator seeded from `seed`; w and b
Right: are `nn.Parameter`s; labels (n,) come out of the loader as (k,) and squared_loss reshapes
Right: them with `view`; sgd steps with `add_(alpha=...)` and sets the gradient to None.
Source: the maintainers' own right answers (issue 19)
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def squared_loss(y_hat, y):
    return (y_hat - y.view(y_hat.shape)).pow(2).mul(0.5)


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param.add_(param.grad, alpha=-lr / batch_size)
            param.grad = None


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    w = nn.Parameter(torch.randn(features.shape[1], 1, generator=g, dtype=features.dtype) * 0.01)
    b = nn.Parameter(torch.zeros(1, dtype=features.dtype))
    loader = DataLoader(TensorDataset(features, labels), batch_size=batch_size, shuffle=True,
                        generator=g)
    for _ in range(num_epochs):
        for X, y in loader:
            squared_loss(X @ w + b, y).sum().backward()
            sgd(iter([w, b]), lr, len(y))
    return w, b
