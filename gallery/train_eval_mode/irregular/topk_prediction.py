"""Pitfall: the prediction is `topk(1)`, which on tied scores may return any of the tied classes
Pitfall: (on the CPU, from 4 classes on, often not the first), where the contract asks for the
Pitfall: first, as argmax gives it.
Source: examiner set (issue 19, second examiner): tied class scores (dead units scoring 0, twin
Source: classes, a constant row)
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
                pred = scores.topk(1, dim=1).indices[:, 0]
                correct += (pred == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
