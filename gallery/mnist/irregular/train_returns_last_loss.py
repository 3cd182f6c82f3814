"""Pitfall: train returns `loss.item()` of the last batch, as a quick progress print would.
Source: the maintainer's own irregular set: any epoch of more than one batch.
Expect: train() returned the loss of the last batch alone
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
    return loss.item()
