"""Pitfall: on a tie the prediction is the last of the tied classes (the argmax of the flipped
Pitfall: scores, mapped back), where the contract asks for the first.
Source: examiner set (issue 19): tied class scores (twin classes, dead units, rows of -inf)
Expect: exactly the last of the tied classes
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct = total = 0
    try:
        with torch.no_grad():
            for X, y in batches:
                scores = model(X)
                pred = scores.shape[1] - 1 - scores.flip(1).argmax(dim=1)
                correct += (pred == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
