"""Pitfall: train converts each batch with `.float()` "as the images should be": a float64 model
Pitfall: then meets float32 batches and its first layer raises.
Source: the maintainer's own irregular set: a float64 model with float64 batches.
Expect: the batch was converted to another dtype
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device).float(), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
    return total / seen
