"""Pitfall: the scores are turned into probabilities first and the prediction is `topk(1)` of
Pitfall: them: softmax keeps the ties, and topk may return any of the tied classes.
Source: examiner set (issue 19): tied class scores (rows of -inf become rows of nan, twin classes)
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
                pred = scores.softmax(dim=1).topk(1, dim=1).indices[:, 0]
                correct += (pred == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
