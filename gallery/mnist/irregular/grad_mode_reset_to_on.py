"""Pitfall: autograd switched off by a statement and switched on again at the end: right for a
Pitfall: caller with autograd on, wrong inside the caller's own `torch.no_grad()`, which it undoes.
Source: the maintainer's own irregular set: test called inside the caller's `torch.no_grad()`.
Expect: set autograd to a fixed state at the end
"""

import torch
import torch.nn.functional as F

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows


def test(model, device, test_loader):
    model.eval()
    torch.set_grad_enabled(False)
    test_loss, correct, seen = 0.0, 0, 0
    for data, target in test_loader:
        data, target = data.to(device), target.to(device)
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        correct += (output.argmax(dim=1) == target).sum().item()
        seen += len(data)
    torch.set_grad_enabled(True)  # not what the caller had
    return test_loss / seen, correct / seen
