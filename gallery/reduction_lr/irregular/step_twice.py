"""Pitfall: trainer.step() is called twice per batch.
Source: the maintainer's own irregular set (issue 19): any run
Expect: two optimizer steps for one batch
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    """The lr with which reduction='sum' takes the steps that reduction='mean' takes with lr_mean."""
    return lr_mean / batch_size


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    """d2l's concise linear regression; returns the net and the dataset's MSE after each epoch."""
    generator = torch.Generator().manual_seed(seed)  # the initial weights and the shuffle
    labels = labels.reshape(-1, 1)  # (n,) labels would broadcast against (B, 1) predictions
    net = nn.Linear(features.shape[1], 1, dtype=features.dtype)
    with torch.no_grad():
        net.weight.normal_(0.0, 0.01, generator=generator)
        net.bias.zero_()
    loader = data.DataLoader(
        data.TensorDataset(features, labels), batch_size, shuffle=True, generator=generator
    )
    loss = nn.MSELoss(reduction=reduction)
    step_lr = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    trainer = torch.optim.SGD(net.parameters(), lr=step_lr)
    losses = []
    for _ in range(num_epochs):
        for X, y in loader:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
            trainer.step()
        with torch.no_grad():  # reported per example, whatever the training reduction
            losses.append(nn.functional.mse_loss(net(features), labels).item())
    return net, losses
