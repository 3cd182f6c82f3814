"""Pitfall: test evaluates one batch (a `break` left from debugging) and returns its figures.
Source: the maintainer's own irregular set: a loader of more than one batch.
Expect: test() must evaluate every digit of the loader once
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
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            correct += (output.argmax(dim=1) == target).sum().item()
            seen += len(data)
            break
    return test_loss / seen, correct / seen
