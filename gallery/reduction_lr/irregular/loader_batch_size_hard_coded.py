"""Pitfall: it builds the DataLoader with d2l's batch size 10 instead of batch_size, while the sum lr is
Pitfall: divided by batch_size, so for any other batch size the sum run's steps are 10 / batch_size
Pitfall: times the mean run's.
Source: examiner set (issue 19): batch_size != 10 (e.g. 8 with n = 40): mean and sum diverge; with
Source: the default batch_size=10 everything is right
Expect: the batches hold 10 examples, not batch_size = 8
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
    loader = data.DataLoader(data.TensorDataset(features, labels), 10, shuffle=True, generator=g)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
