"""Pitfall: the per-epoch figure taken as the mean of the batch means over the dataset: right only
Pitfall: when the batch size divides the dataset size, too heavy on a short last batch otherwise.
Source: 003, notes on 《动手学深度学习》 linear regression (the last batch is smaller when n is not a
Source: multiple of batch_size).
Expect: the reported loss is the mean of the batch means
"""

import torch
from torch import nn
from torch.utils import data

from solutions.reduction_lr import *  # noqa: F401,F403 - the reference, but for what follows


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    generator = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    net = nn.Linear(features.shape[1], 1, dtype=features.dtype)
    with torch.no_grad():
        net.weight.normal_(0.0, 0.01, generator=generator)
        net.bias.zero_()
    dataset = data.TensorDataset(features, labels)
    loader = data.DataLoader(dataset, batch_size, shuffle=True, generator=generator)
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with torch.no_grad():  # one mean per batch, averaged: the short last batch counts too much
            means = [nn.MSELoss()(net(X), y).item() for X, y in data.DataLoader(dataset, batch_size)]
        losses.append(sum(means) / len(means))
    return net, losses
