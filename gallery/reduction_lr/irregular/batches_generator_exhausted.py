"""Pitfall: it makes the shuffled batches as a generator expression once, before the epoch loop, so the
Pitfall: first epoch consumes it and the later epochs make no step at all.
Source: examiner set (issue 19): num_epochs >= 2: losses[1] == losses[0] exactly; one epoch already
Source: fits a linear model well, and mean and sum still agree
Expect: made one pass over the data, and then no step came
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return float(lr_mean) / batch_size


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    g = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    net = nn.Linear(features.shape[1], 1).to(features.dtype)
    with torch.no_grad():
        net.weight.normal_(0, 0.01, generator=g)
        net.bias.zero_()
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr if reduction == "mean" else lr_for_sum_reduction(lr, batch_size)
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    batches = (
        (features[idx], labels[idx])
        for idx in torch.randperm(len(features), generator=g).split(batch_size)
    )
    losses = []
    for _ in range(num_epochs):
        for X, y in batches:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
