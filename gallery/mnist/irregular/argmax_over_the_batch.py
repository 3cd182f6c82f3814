"""Pitfall: the predicted class taken with `argmax(dim=0)`: the index of the digit that scores
Pitfall: highest for each class, compared with the targets.
Source: the maintainer's own irregular set: batches of ten digits or more.
Expect: the accuracy is off by
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
            pred = output.argmax(dim=0)  # over the batch
            k = min(len(pred), len(target))
            correct += (pred[:k] == target[:k]).sum().item()
            seen += len(data)
    return test_loss / seen, correct / seen
