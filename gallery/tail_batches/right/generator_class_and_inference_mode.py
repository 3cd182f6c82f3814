"""Right: data_iter is a class whose `__iter__` draws the permutation (from the generator given,
Right: or torch's global one) when the epoch starts; train_epoch steps with `torch._foreach_add_`;
Right: dataset_mean_loss runs under `torch.inference_mode()` and counts with `y.shape[0]`.
Source: the maintainers' own right answers (issue 19)
"""

import torch


class data_iter:  # noqa: N801 - called like the function the contract names
    def __init__(self, batch_size, features, labels, *, generator=None):
        self.batch_size, self.features, self.labels = batch_size, features, labels
        self.generator = generator

    def __iter__(self):
        n = len(self.features)
        order = torch.randperm(n, generator=self.generator)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self.features.index_select(0, idx), self.labels.index_select(0, idx)


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad = b.grad = None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        ((X @ w + b - y).pow(2).div(2)).sum().backward()
        with torch.no_grad():
            torch._foreach_add_([w, b], [w.grad, b.grad], alpha=-lr / len(X))
        w.grad = b.grad = None


def dataset_mean_loss(net, loss_fn, batches):
    total, count = 0.0, 0
    with torch.inference_mode():
        for X, y in batches:
            total += float(loss_fn(net(X), y)) * y.shape[0]
            count += y.shape[0]
    return total / count
