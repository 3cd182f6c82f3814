"""Right: train_linreg steps with `torch.optim.SGD` (lr / len(X) per minibatch, set on the param
Right: group), sgd computes each step in float64 and writes it back with `copy_`, the shuffle is
Right: `torch.argsort` of uniform keys from the seeded generator, the epochs a while loop.
Source: the maintainers' own right answers (issue 19)
"""

import torch


def squared_loss(y_hat, y):
    return torch.square(y_hat - torch.reshape(y, (-1, 1))) / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            step = param.double() - lr * param.grad.double() / batch_size
            param.copy_(step)
            param.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    w = torch.empty(features.shape[1], 1, dtype=features.dtype)
    w.normal_(0.0, 0.01, generator=g)
    w.requires_grad_()
    b = torch.zeros(1, dtype=features.dtype).requires_grad_()
    opt = torch.optim.SGD([w, b], lr=lr)
    epoch = 0
    while epoch < num_epochs:
        order = torch.argsort(torch.rand(len(features), generator=g))
        for idx in order.split(batch_size):
            opt.param_groups[0]["lr"] = lr / len(idx)
            opt.zero_grad()
            squared_loss(features[idx] @ w + b, labels[idx]).sum().backward()
            opt.step()
        epoch += 1
    opt.zero_grad()
    return w, b
