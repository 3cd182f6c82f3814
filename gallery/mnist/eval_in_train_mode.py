"""Pitfall: evaluating in train mode (no `model.eval()`): dropout stays on, the accuracy is lower
and differs from call to call.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (test(): `model.eval()` before the loop).
Expect: test() ran the model in train mode
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for the line below


def test(model, device, test_loader):
    # no model.eval(): the model is still in the train mode that train() left it in
    test_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            correct += (output.argmax(dim=1) == target).sum().item()
            seen += len(data)
    return test_loss / seen, correct / seen
