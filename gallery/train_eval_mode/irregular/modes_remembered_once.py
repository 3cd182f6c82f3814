"""Pitfall: accuracy keeps the saved modes in a module-level dict filled on the first call only, so
Pitfall: every later call restores the first call's modes (a second model's modules are not
Pitfall: restored at all).
Source: examiner set (issue 19): two calls with the mode changed in between, or two models
Source: evaluated one after the other: the second one is left in eval mode
Expect: another model's, kept from an earlier call
"""

import torch


_modes = {}


def accuracy(model, batches):
    if not _modes:
        _modes.update((m, m.training) for m in model.modules())
    modes = list(_modes.items())
    model.eval()
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
