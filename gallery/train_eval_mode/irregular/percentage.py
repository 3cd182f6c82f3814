"""Pitfall: accuracy returns a percentage, `100 * correct / total`, not the fraction.
Source: the maintainer's own irregular set (issue 19): any batches
Expect: this is a percentage
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
            total += len(y)
    for m, was in modes:
        m.training = was
    return 100 * correct / total
