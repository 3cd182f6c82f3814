"""Pitfall: test adds up tensors and returns them (`.sum()` without `.item()`).
Source: the maintainer's own irregular set: any evaluation.
Expect: test() returned tensors
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def test(model, device, test_loader):
    model.eval()
    test_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss = test_loss + F.nll_loss(output, target, reduction="sum")
            correct = correct + (output.argmax(dim=1) == target).sum()
            seen += len(data)
    return test_loss / seen, correct / seen
