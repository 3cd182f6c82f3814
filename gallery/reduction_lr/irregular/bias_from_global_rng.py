"""Pitfall: it draws the weight from the seeded generator but leaves the bias at nn.Linear's default
Pitfall: init, which comes from the global RNG, so the run depends on the global random state through
Pitfall: the bias.
Source: examiner set (issue 19): the same seed under two different global torch states: the bias (and
Source: everything after) differs; a mean and a sum run made one after the other start from different
Source: biases
Expect: the bias differs
Expect: the initial weights depend on it, not on `seed` alone
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
    net.weight.data.normal_(0, 0.01, generator=g)
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr if reduction == "mean" else lr_for_sum_reduction(lr, batch_size)
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True, generator=g
    )
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
