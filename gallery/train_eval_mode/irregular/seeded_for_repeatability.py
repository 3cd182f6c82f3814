"""Pitfall: accuracy seeds the global generator (`torch.manual_seed(0)`) 'so that the same call gives
Pitfall: the same answer': the caller's next shuffle and dropout masks are reset.
Source: the maintainer's own irregular set (issue 19): any call (the random state afterwards)
Expect: accuracy changed the global random generator's state
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    torch.manual_seed(0)  # "repeatable"
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
