"""Pitfall: accuracy resets its counts inside the loop over the batches: the answer is the last batch's
Pitfall: accuracy.
Source: the maintainer's own irregular set (issue 19): several batches
Expect: the accuracy of the last batch alone
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        for X, y in batches:
            correct, total = 0, 0  # inside the loop
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
