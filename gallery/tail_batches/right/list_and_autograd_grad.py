"""Right: data_iter returns a list of batches (`tensor_split` of the permutation at multiples of
Right: batch_size); train_epoch takes each gradient with `torch.autograd.grad` (so an old `.grad`
Right: never enters a step) and clears `.grad` at the end; dataset_mean_loss weights with a
Right: float64 tensor and `math.fsum`.
Source: the maintainers' own right answers (issue 19)
"""

import math

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    order = torch.randperm(features.shape[0], generator=generator)
    cuts = list(range(batch_size, features.shape[0], batch_size))
    return [(features[idx], labels[idx]) for idx in torch.tensor_split(order, cuts)]


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        loss = ((X @ w + b - y) ** 2 / 2).sum()
        gw, gb = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w.sub_(gw, alpha=lr / X.shape[0])
            b.sub_(gb, alpha=lr / X.shape[0])
    w.grad = None
    b.grad = None


def dataset_mean_loss(net, loss_fn, batches):
    parts, sizes = [], []
    for X, y in batches:
        with torch.no_grad():
            parts.append(loss_fn(net(X), y).double() * len(X))
        sizes.append(len(X))
    return math.fsum(float(p) for p in parts) / sum(sizes)
