"""Pitfall: accuracy divides the correct predictions by the number of batches (`len(batches)`, as
Pitfall: `len(loader)`), not by the number of examples.
Source: the maintainer's own irregular set (issue 19): a list of batches
Expect: `len(loader)` counts batches
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct = 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
    for m, was in modes:
        m.training = was
    return correct / len(batches)
