"""Pitfall: the same lr for reduction='sum' (every step batch_size times larger).
Source: 003, notes on 《动手学深度学习》 linear regression (`nn.MSELoss(reduction='sum')` needs
`lr=0.03/batch_size` to behave like the default 'mean').
Expect: the same lr for 'sum'
"""

import torch
from torch import nn
from torch.utils import data

from solutions.reduction_lr import *  # noqa: F401,F403 - the reference, but for the line below


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    generator = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    net = nn.Linear(features.shape[1], 1, dtype=features.dtype)
    with torch.no_grad():
        net.weight.normal_(0.0, 0.01, generator=generator)
        net.bias.zero_()
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size, shuffle=True, generator=generator
    )
    loss = nn.MSELoss(reduction=reduction)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)  # 'sum' or 'mean', the same lr
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with torch.no_grad():
            losses.append(nn.functional.mse_loss(net(features), labels).item())
    return net, losses
