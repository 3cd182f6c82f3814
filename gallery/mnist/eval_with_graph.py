"""Pitfall: evaluating with a graph (no `torch.no_grad()`): autograd keeps every activation of
every test batch for a backward that never comes.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (test(): `with torch.no_grad():`).
Expect: test() recorded a graph
"""

import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for the line below


def test(model, device, test_loader):
    model.eval()
    test_loss, correct, seen = 0.0, 0, 0
    for data, target in test_loader:  # no `with torch.no_grad():`
        data, target = data.to(device), target.to(device)
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        correct += (output.argmax(dim=1) == target).sum().item()
        seen += len(data)
    return test_loss / seen, correct / seen
