"""Pitfall: train returns the mean of its batch means: a short last batch weighs as much as a full
Pitfall: one.
Source: the maintainer's own irregular set: a last batch of 4 beside three of 32.
Expect: train() returned the mean of batch means
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    means = []
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        means.append(loss.item())
    return sum(means) / len(means)
