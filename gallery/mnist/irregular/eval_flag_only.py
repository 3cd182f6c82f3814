"""Pitfall: `model.training = False` instead of `model.eval()`: the modules inside the model (a
Pitfall: dropout in a nested block) stay in train mode.
Source: the maintainer's own irregular set: a model with dropout in a nested block.
Expect: but not every module inside it
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def test(model, device, test_loader):
    model.training = False
    test_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            correct += (output.argmax(dim=1) == target).sum().item()
            seen += len(data)
    return test_loss / seen, correct / seen
