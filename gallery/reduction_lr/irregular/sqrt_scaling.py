"""Pitfall: it scales the lr by 1 / sqrt(batch_size) (the "square-root rule" for large batches), but a
Pitfall: summed loss's gradient is batch_size times the mean one, so the sum run's steps are
Pitfall: sqrt(batch_size) times too large.
Source: examiner set (issue 19): any batch_size > 1: lr_for_sum_reduction(0.03, 10) is 0.0095 instead
Source: of 0.003; batch_size 1 is right
Expect: divided by the square root of the batch size
"""

import math

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean / math.sqrt(batch_size)


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
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True, generator=g
    )
    report = nn.MSELoss()
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(report(net(features), labels).item())
    return net, losses
