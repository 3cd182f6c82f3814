"""Pitfall: it divides lr by the batch size inside the epoch loop and rebinds lr, so the sum run uses lr
Pitfall: / batch_size in the first epoch, lr / batch_size^2 in the second, and so on.
Source: examiner set (issue 19): reduction="sum" with num_epochs >= 2: the first epoch agrees with
Source: the mean run, the second does not
Expect: the lr was divided by the batch size again at every epoch
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
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True, generator=g
    )
    losses = []
    for _ in range(num_epochs):
        if reduction == "sum":
            lr = lr_for_sum_reduction(lr, batch_size)
        trainer = torch.optim.SGD(net.parameters(), lr=lr)
        for X, y in loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
