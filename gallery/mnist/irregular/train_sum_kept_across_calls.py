"""Pitfall: the running sums live at module level and are never reset: the second epoch's figure
Pitfall: includes the first epoch's losses.
Source: the maintainer's own irregular set: a second call of train with the same model and loader.
Expect: include the losses of earlier calls
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows

SUMS = {"loss": 0.0, "n": 0}


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        SUMS["loss"] += loss.item() * len(data)
        SUMS["n"] += len(data)
    return SUMS["loss"] / SUMS["n"]
