"""Pitfall: the batch mean divided by the batch size once more before backward ("a mean per
Pitfall: example"): every step is batch-size times too small.
Source: the maintainer's own irregular set: batches of more than one digit.
Expect: each step was batch-size times too small
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
        (loss / len(data)).backward()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
