"""Pitfall: the mean of batch means: each batch's mean loss and accuracy averaged over the number
of batches, so a smaller last batch weighs as much as a full one.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (test(): `reduction='sum'`, then
`test_loss /= len(test_loader.dataset)`).
Expect: test() returned the mean of batch means
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for the line below


def test(model, device, test_loader):
    model.eval()
    test_loss, accuracy = 0.0, 0.0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target).item()  # the batch's mean
            accuracy += (output.argmax(dim=1) == target).float().mean().item()
    return test_loss / len(test_loader), accuracy / len(test_loader)  # divided by the batches
