"""tail_batches: every example once per epoch, and the tail counted as what it is (reference)."""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    """Shuffled (X, y) batches covering every example exactly once; the last may be smaller."""
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):  # the last slice stops at num_examples
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    """One epoch of minibatch SGD on the summed squared loss, each step by the batch's mean."""
    for param in (w, b):
        param.grad = None  # a gradient from before the epoch belongs to no batch
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        loss = ((X @ w + b - y) ** 2 / 2).sum()
        loss.backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / len(X)  # the examples actually in this batch
                param.grad.zero_()


def dataset_mean_loss(net, loss_fn, batches):
    """The mean per-example loss over all the batches, weighting each batch mean by its size."""
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            total += loss_fn(net(X), y).item() * len(X)
            count += len(X)
    return total / count
