"""Pitfall: it builds nn.Linear (whose default init draws from the global RNG) *before* seeding the
Pitfall: global RNG, and keeps that init, so the initial weights depend on whatever global state the
Pitfall: caller had.
Source: examiner set (issue 19): the same seed after torch.manual_seed(1) and after
Source: torch.manual_seed(2): different nets and losses; the shuffle alone is reproducible
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
    labels = labels.reshape(-1, 1)
    net = nn.Linear(features.shape[1], 1).to(features.dtype)
    torch.manual_seed(seed)
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr if reduction == "mean" else lr_for_sum_reduction(lr, batch_size)
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    loader = data.DataLoader(data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True)
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
