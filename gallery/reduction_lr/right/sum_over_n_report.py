"""Right: the report reuses the training criterion and divides a 'sum' by n; initialised through
Right: `.detach()` views; DataLoader's arguments passed positionally.
Source: examiner set (issue 19)
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean / float(batch_size)


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    g = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    n = len(features)
    net = nn.Linear(features.shape[1], 1).to(features.dtype)
    net.weight.detach().normal_(0, 0.01, generator=g)
    net.bias.detach().zero_()
    criterion = nn.MSELoss(reduction=reduction)
    lr_used = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    trainer = torch.optim.SGD(net.parameters(), lr=lr_used)
    loader = data.DataLoader(data.TensorDataset(features, labels), batch_size, True, generator=g)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            criterion(net(X), y).backward()
            trainer.step()
        with torch.no_grad():
            total = criterion(net(features), labels).item()
        losses.append(total / n if reduction == "sum" else total)
    return net, losses
