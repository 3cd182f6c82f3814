"""Pitfall: accuracy avoids the graph by switching the parameters' `requires_grad` off and back on: a
Pitfall: parameter that was frozen before comes back trainable, and an input that requires grad is
Pitfall: still recorded.
Source: examiner set (issue 19): a model with a frozen layer (its weights require grad after the
Source: call), or batches whose X requires grad (a graph is built)
Expect: accuracy changed which parameters require grad
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    try:
        model.requires_grad_(False)
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
        model.requires_grad_(True)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
