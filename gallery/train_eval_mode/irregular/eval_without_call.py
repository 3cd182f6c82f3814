"""Pitfall: accuracy writes `model.eval` without the call parentheses, which does nothing, so dropout
Pitfall: stays on and BatchNorm updates its statistics during the evaluation.
Source: examiner set (issue 19): a model with dropout: two calls give different answers; a model
Source: with BatchNorm: running statistics move
Expect: dropout was left on
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval
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
