"""Right: instead of torch.no_grad() it switches requires_grad off on each parameter for the update
Right: and back on afterwards, which also keeps the update out of the graph
Source: examiner set (issue 19)
Handles: a step taken while grad mode is on or off, params given as a generator, float64 params
"""

import torch


def squared_loss(y_hat, y):
    if y.dim() == 1:
        y = y.unsqueeze(-1)
    diff = y_hat - y
    return diff * diff * 0.5


def sgd(params, lr, batch_size):
    for param in params:
        param.requires_grad_(False)
        param.sub_(param.grad * (lr / batch_size))
        param.requires_grad_(True)
        param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    w = (torch.randn(d, 1, generator=g, dtype=features.dtype) * 0.01).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype).requires_grad_()
    epoch = 0
    while epoch < num_epochs:
        order = torch.randperm(n, generator=g).tolist()
        start = 0
        while start < n:
            idx = order[start:start + batch_size]
            squared_loss(features[idx] @ w + b, labels[idx]).sum().backward()
            sgd([w, b], lr, batch_size)
            start += batch_size
        epoch += 1
    return w, b
