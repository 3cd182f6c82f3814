"""Pitfall: it tests `reduction is "sum"`, an identity test that is True only for the interned literal,
Pitfall: so a reduction string built at run time ("".join(...), read from a config, "SUM".lower())
Pitfall: gets the mean lr with the sum loss.
Source: examiner set (issue 19): reduction="".join(["s", "u", "m"]) (equal to "sum" but not the same
Source: object): steps batch_size times too large
Expect: the reduction was compared by identity
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
    step_lr = lr_for_sum_reduction(lr, batch_size) if reduction is "sum" else lr
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
