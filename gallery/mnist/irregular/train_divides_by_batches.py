"""Pitfall: train divides the summed loss by `len(train_loader)`, the number of batches.
Source: the maintainer's own irregular set: any loader of more than one digit per batch.
Expect: not by the number of examples
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total = 0.0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
    return total / len(train_loader)  # batches, not examples
