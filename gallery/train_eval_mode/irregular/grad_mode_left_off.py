"""Pitfall: accuracy switches autograd off with a plain `torch.set_grad_enabled(False)` and never back:
Pitfall: the training that follows records nothing.
Source: the maintainer's own irregular set (issue 19): a call with autograd on
Expect: autograd is still switched off after accuracy
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    torch.set_grad_enabled(False)  # not a `with`: stays off
    correct, total = 0, 0
    for X, y in batches:
        correct += (model(X).argmax(dim=1) == y).sum().item()
        total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
