"""Pitfall: no `optimizer.zero_grad()`: `backward()` adds into `.grad`, so every step uses the sum
of the gradients of all the batches so far.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (train(): `optimizer.zero_grad()  # 梯度清零`).
Expect: the gradients pile up
"""

import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for the line below


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total_loss, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        output = model(data)  # no optimizer.zero_grad() before the backward
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(data)
        seen += len(data)
    return total_loss / seen
