"""Pitfall: it passes labels to the DataLoader and to nn.MSELoss as they come, so labels of shape (n,)
Pitfall: meet predictions of shape (batch, 1) and broadcast into a (batch, batch) loss, in training
Pitfall: and in the report (only a UserWarning).
Source: examiner set (issue 19): labels of shape (n,); labels of shape (n, 1), as d2l's
Source: synthetic_data makes them, are right
Expect: met predictions of shape (B, 1) and broadcast
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
