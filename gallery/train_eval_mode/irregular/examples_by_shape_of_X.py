"""Pitfall: accuracy counts the examples with `X.shape[0]`: X is whatever the model takes, a pair `(a,
Pitfall: b)` for a model of two inputs.
Source: the maintainer's own irregular set (issue 19): a model of two inputs (X a pair)
Expect: X is whatever the model takes
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += X.shape[0]
    for m, was in modes:
        m.training = was
    return correct / total
