"""Pitfall: the batch left on the wrong device: `data.to(device)` returns a new tensor and leaves
`data` on the CPU (unlike `model.to(device)`, which moves the module itself).
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (train() and test():
`data, target = data.to(device), target.to(device)`).
Expect: fed the model a tensor on the wrong device
Marks: gpu
"""

import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for the line below


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total_loss, seen = 0.0, 0
    for data, target in train_loader:
        data.to(device), target.to(device)  # the moved copies are thrown away
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(data)
        seen += len(data)
    return total_loss / seen
