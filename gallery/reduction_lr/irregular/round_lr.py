"""Pitfall: it rounds lr / batch_size to 4 decimals, which is harmless for 0.03 / 10 but turns 0.03 / 64
Pitfall: = 0.00046875 into 0.0005, so the sum run no longer takes the mean run's steps.
Source: examiner set (issue 19): batch_size = 64 (or 32, 7): lr_for_sum_reduction(0.03, 64) is
Source: 0.0005; batch_size 10 or 100 is exact
Expect: the lr was rounded to 4 decimals
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return round(lr_mean / batch_size, 4)


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
