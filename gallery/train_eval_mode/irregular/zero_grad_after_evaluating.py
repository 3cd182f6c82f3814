"""Pitfall: accuracy calls `model.zero_grad()` at the end, "to leave a clean model": the
Pitfall: gradients the caller was accumulating over several batches are gone.
Source: the maintainer's own irregular set (issue 19): parameters that hold gradients before the call
Expect: accuracy changed the gradients the parameters held
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
    model.zero_grad()  # "clean up"
    return correct / total
