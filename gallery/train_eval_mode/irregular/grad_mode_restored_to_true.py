"""Pitfall: accuracy switches autograd off with a plain call and back on with
Pitfall: `torch.set_grad_enabled(True)`, so a caller that had autograd off (an outer `no_grad`,
Pitfall: inference code) finds it switched on afterwards.
Source: examiner set (issue 19): accuracy called inside `with torch.no_grad():`; afterwards
Source: `torch.is_grad_enabled()` is True
Expect: the mode was put back to True, a constant
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    try:
        torch.set_grad_enabled(False)
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
        torch.set_grad_enabled(True)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
