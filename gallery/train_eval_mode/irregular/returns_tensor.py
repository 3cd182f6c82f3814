"""Pitfall: accuracy accumulates the counts as tensors and returns a 0-dim tensor instead of a Python
Pitfall: float.
Source: examiner set (issue 19): any call: `type(result)` is `torch.Tensor` (json.dumps fails,
Source: `result == 0.5` is a tensor, not a bool)
Expect: accuracy must return a Python float
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = torch.tensor(0), 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
