"""Right: `torch.manual_seed(seed)` inside the call seeds nn.Linear's own init and a DataLoader without
Right: a generator: the caller's global state is changed and not put back, which the contract allows
Right: (any seeding style).
Source: the maintainer's own set (issue 19)
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean / batch_size


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    torch.manual_seed(seed)  # the global generator: nn.Linear's own init, then the shuffle
    net = nn.Linear(features.shape[1], 1).to(features.dtype)
    labels = labels.reshape(-1, 1)
    loader = data.DataLoader(data.TensorDataset(features, labels), batch_size, shuffle=True)
    loss = nn.MSELoss(reduction=reduction)
    rate = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    trainer = torch.optim.SGD(net.parameters(), lr=rate)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
