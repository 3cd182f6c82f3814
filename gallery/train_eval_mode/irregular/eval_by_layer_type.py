"""Pitfall: accuracy switches only `nn.Dropout` and `nn.BatchNorm2d` layers to eval mode, so any
Pitfall: other mode-dependent layer (a `BatchNorm1d`, a `Dropout1d`, a custom module) stays in
Pitfall: train mode and the evaluation updates its running statistics.
Source: examiner set (issue 19): a model with a BatchNorm1d (an MLP): its running_mean moves
Source: during accuracy and the accuracy uses batch statistics
Expect: BatchNorm's running statistics changed
"""

import torch


def accuracy(model, batches):
    kinds = (torch.nn.Dropout, torch.nn.BatchNorm2d)
    modes = [(m, m.training) for m in model.modules() if isinstance(m, kinds)]
    for m, _ in modes:
        m.eval()
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
