"""Pitfall: the prediction is the first column of `sort(descending=True)`: an unstable sort may put
Pitfall: any of the tied classes first (on the CPU it does from 33 classes on).
Source: examiner set (issue 19): tied class scores among many classes (40 classes, twins)
Expect: predicted as another of the tied classes than the first
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
                pred = scores.sort(dim=1, descending=True).indices[:, 0]
                correct += (pred == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
