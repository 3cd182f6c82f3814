"""Pitfall: accuracy puts the model back with `model.train()` when the model itself was training: every
Pitfall: submodule comes back in train mode, a frozen batch norm included.
Source: the maintainer's own irregular set (issue 19): a model in train with a batch norm frozen in
Source: eval
Expect: every module came back in one mode, the model's own
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    was_training = model.training
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    if was_training:
        model.train()
    return correct / total
