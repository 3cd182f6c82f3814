"""Pitfall: accuracy asks `len(batches)` (to return 0.0 for no batches): a generator of batches has no
Pitfall: length.
Source: the maintainer's own irregular set (issue 19): batches given as a generator
Expect: a generator has no `len()`
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total, count = 0, 0, len(batches)
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total if count else 0.0
