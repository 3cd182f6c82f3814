"""Right: it draws the order with torch.multinomial without replacement and walks it with a while
Right: loop and explicit end index, instead of randperm and range
Source: examiner set (issue 19)
Handles: equally seeded generators (same order), no generator (global RNG), a tail of 1, a
Handles: second epoch with the same generator
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    n = features.shape[0]
    order = torch.multinomial(torch.ones(n), n, replacement=False, generator=generator)
    start = 0
    while start < n:
        end = min(start + batch_size, n)
        idx = order[start:end]
        yield features.index_select(0, idx), labels.index_select(0, idx)
        start = end


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    for p in (w, b):
        if p.grad is not None:
            p.grad.zero_()
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        m = y.numel()
        ((X @ w + b - y.view(-1, 1)) ** 2 / 2).sum().backward()
        with torch.no_grad():
            w.sub_(w.grad, alpha=lr / m)
            b.sub_(b.grad, alpha=lr / m)
        w.grad.zero_()
        b.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    sums = []
    sizes = []
    with torch.inference_mode():
        for X, y in batches:
            sums.append(loss_fn(net(X), y).item() * X.shape[0])
            sizes.append(X.shape[0])
    return sum(sums) / sum(sizes)
