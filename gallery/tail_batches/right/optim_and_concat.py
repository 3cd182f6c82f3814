"""Right: train_epoch uses torch.optim.SGD on the loss divided by len(X) (same step as dividing the
Right: gradient), and dataset_mean_loss concatenates every batch and computes the loss once,
Right: literally "all the examples taken together"
Source: examiner set (issue 19)
Handles: the tail batch (the mean loss divides by its own length), stale gradients (zero_grad
Handles: first), unequal batch sizes and a generator of batches in dataset_mean_loss
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    keys = torch.rand(len(features), generator=generator)
    order = torch.argsort(keys)
    for chunk in order.split(batch_size):
        yield features[chunk], labels[chunk]


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    opt = torch.optim.SGD([w, b], lr=lr)
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        opt.zero_grad()
        summed = ((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).sum()
        (summed / len(X)).backward()
        opt.step()
    opt.zero_grad()


def dataset_mean_loss(net, loss_fn, batches):
    Xs, ys = [], []
    for X, y in batches:
        Xs.append(X)
        ys.append(y)
    with torch.no_grad():
        return float(loss_fn(net(torch.cat(Xs)), torch.cat(ys)))
