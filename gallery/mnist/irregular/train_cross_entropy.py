"""Pitfall: train uses `F.cross_entropy`, which applies log_softmax once more: the same as
Pitfall: `F.nll_loss` on a network that ends in log_softmax, not on one that returns raw scores.
Source: the maintainer's own irregular set: a model that returns raw scores.
Expect: `F.cross_entropy`
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
