"""Pitfall: it rebuilds the DataLoader each epoch with a fresh generator seeded with seed, so every
Pitfall: epoch visits the same batches in the same order: the data is shuffled once, not every epoch.
Source: examiner set (issue 19): a second epoch (its batches equal the first epoch's);
Source: reproducibility and the mean/sum equality still hold
Expect: the data was shuffled once, not every epoch
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
    losses = []
    for _ in range(num_epochs):
        loader = data.DataLoader(
            data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True,
            generator=torch.Generator().manual_seed(seed),
        )
        for X, y in loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
