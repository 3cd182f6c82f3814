"""Pitfall: the 'sum' run reports its loss with the 'sum' criterion (n times the mean per example).
Source: 003, notes on 《动手学深度学习》 linear regression (after switching to reduction='sum',
`l = loss(net(features), labels)` prints 0.1025 where 'mean' printed 0.000103: 1000 times larger).
Expect: times larger than the mean squared error per example
"""

import torch
from torch import nn
from torch.utils import data

from solutions.reduction_lr import *  # noqa: F401,F403 - the reference, but for the line below


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    generator = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    net = nn.Linear(features.shape[1], 1, dtype=features.dtype)
    with torch.no_grad():
        net.weight.normal_(0.0, 0.01, generator=generator)
        net.bias.zero_()
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size, shuffle=True, generator=generator
    )
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with torch.no_grad():
            losses.append(loss(net(features), labels).item())  # 'sum': n times the mean
    return net, losses
