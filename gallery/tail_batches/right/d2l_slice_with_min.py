"""Right: the articles' loop, written as they write it: the last slice ends at
Right: `min(i + batch_size, num_examples)`, `sgd` divides by the size it is given (`len(X)`), and
Right: the evaluation adds up `loss * len(X)` and divides by the number of examples seen.
Source: 003, notes on 《动手学深度学习》 linear regression, done right
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):
        batch_indices = indices[i:min(i + batch_size, num_examples)]
        yield features[batch_indices], labels[batch_indices]


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    for param in (w, b):
        if param.grad is not None:
            param.grad.zero_()
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        l = (X @ w + b - y) ** 2 / 2
        l.sum().backward()
        sgd([w, b], lr, len(X))  # the batch's own size, the tail's too


def dataset_mean_loss(net, loss_fn, batches):
    test_loss, seen = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            test_loss += loss_fn(net(X), y).item() * len(X)
            seen += len(X)
    return test_loss / seen
