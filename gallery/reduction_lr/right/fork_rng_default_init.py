"""Right: the global generator is seeded inside `torch.random.fork_rng()` (the caller's state is put
Right: back), nn.Linear keeps its own default init, the DataLoader has no generator, the lr is picked
Right: from a dict.
Source: examiner set (issue 19)
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean / batch_size + 0.0


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    labels = labels.reshape(len(labels), 1)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = nn.Linear(features.shape[1], 1).to(features.dtype)
        lr_used = {"mean": lr, "sum": lr_for_sum_reduction(lr, batch_size)}[reduction]
        opt = torch.optim.SGD(net.parameters(), lr=lr_used)
        loss = nn.MSELoss(reduction=reduction)
        loader = data.DataLoader(data.TensorDataset(features, labels), batch_size, shuffle=True)
        for epoch in range(num_epochs):
            for X, y in loader:
                opt.zero_grad()
                loss(net(X), y).backward()
                opt.step()
            with torch.no_grad():
                losses.append(nn.MSELoss()(net(features), labels).item())
    return net, losses
