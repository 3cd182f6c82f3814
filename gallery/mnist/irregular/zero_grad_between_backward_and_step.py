"""Pitfall: `zero_grad()` between `backward()` and `step()`: the step finds no gradient.
Source: the maintainer's own irregular set: any epoch.
Expect: wipes the gradient that backward just computed
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
