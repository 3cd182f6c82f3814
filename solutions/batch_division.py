"""batch_division: the summed loss's gradient, divided once by the batch size (reference solution)."""

import torch


def squared_loss(y_hat, y):
    """Per-example squared loss, shaped like `y_hat`; `y` may be (n,) or (n, 1)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch SGD for the gradient of a summed loss: step by the mean gradient, then clear."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def linreg(X, w, b):
    """The linear model."""
    return X @ w + b


def data_iter(batch_size, features, labels, generator):
    """Shuffled minibatches covering every example once (the last one may be smaller)."""
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    """Linear regression from scratch: summed loss, one `sgd` step per minibatch."""
    generator = torch.Generator().manual_seed(seed)
    dtype = features.dtype  # float64 features train float64 parameters
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), generator=generator, dtype=dtype)
    w.requires_grad_()
    b = torch.zeros(1, dtype=dtype, requires_grad=True)
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            loss = squared_loss(linreg(X, w, b), y)
            loss.sum().backward()  # the gradient of the sum over the batch...
            sgd([w, b], lr, len(X))  # ...divided by the number of examples in it, once
    return w, b
