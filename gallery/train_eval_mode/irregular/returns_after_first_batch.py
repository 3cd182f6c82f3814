"""Pitfall: accuracy returns inside the loop over the batches: the answer is the first batch's accuracy
Pitfall: (and the modes are never put back).
Source: the maintainer's own irregular set (issue 19): several batches
Expect: the accuracy of the first batch alone
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
            return correct / total  # one indentation level too deep
