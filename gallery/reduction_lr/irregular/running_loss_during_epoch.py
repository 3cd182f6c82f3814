"""Pitfall: it reports each epoch's running loss, the per-example mean of the batch losses taken
Pitfall: *during* the epoch (correctly weighted, in the mean scale), instead of the loss of the whole
Pitfall: dataset after the epoch.
Source: examiner set (issue 19): any epoch: losses[k] is the average over a model that kept changing,
Source: not nn.MSELoss()(net(features), labels) after epoch k (far larger in the first epoch)
Expect: the figure was accumulated during the epoch
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
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True, generator=g
    )
    losses = []
    for _ in range(num_epochs):
        total = 0.0
        for X, y in loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            trainer.step()
            total += l.item() if reduction == "sum" else l.item() * len(X)
        losses.append(total / len(features))
    return net, losses
