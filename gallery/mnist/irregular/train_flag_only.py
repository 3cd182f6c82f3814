"""Pitfall: `model.training = True` instead of `model.train()`: the model's own flag is set, the
Pitfall: modules inside it (a dropout in a nested block) stay in eval mode.
Source: the maintainer's own irregular set: a model that comes in eval mode, with nested dropout.
Expect: but not every module inside it
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.training = True  # one flag, not the submodules'
    total, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
