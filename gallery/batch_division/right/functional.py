"""Right: it uses F.mse_loss(reduction='none'), Tensor.add_(alpha=...), sets grad to None and
Right: splits the permutation with Tensor.split instead of slicing by hand
Source: examiner set (issue 19)
Handles: y of shape (n,) or (n, 1), non-contiguous labels, float64 params, a batch size that
Handles: splits the permutation unevenly
"""

import torch
import torch.nn.functional as F


def squared_loss(y_hat, y):
    return F.mse_loss(y_hat, y.reshape_as(y_hat), reduction="none") / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param.add_(param.grad, alpha=-lr / batch_size)
            param.grad = None


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    gen = torch.Generator()
    gen.manual_seed(seed)
    d = features.shape[1]
    w = torch.empty(d, 1, dtype=features.dtype).normal_(0.0, 0.01, generator=gen)
    w.requires_grad_(True)
    b = torch.zeros(1, dtype=features.dtype).requires_grad_(True)
    for _ in range(num_epochs):
        for idx in torch.randperm(len(features), generator=gen).split(batch_size):
            squared_loss(features[idx] @ w + b, labels[idx]).sum().backward()
            sgd((w, b), lr, batch_size)
    return w, b
