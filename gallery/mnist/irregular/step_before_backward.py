"""Pitfall: `optimizer.step()` before `loss.backward()`: each step uses the previous batch's
Pitfall: gradient (or none at the first).
Source: the maintainer's own irregular set: any epoch.
Expect: is called before `backward()`
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
        loss = F.nll_loss(model(data), target)
        optimizer.step()
        loss.backward()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
