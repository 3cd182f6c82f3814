"""Pitfall: accuracy remembers and restores only the dropout and batch-norm layers' modes: the
Pitfall: containers and the other layers stay in eval.
Source: the maintainer's own irregular set (issue 19): a model in train mode
Expect: only the dropout and batch-norm layers got their modes back
"""

import torch
from torch import nn

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    kinds = (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm)
    modes = [(m, m.training) for m in model.modules() if isinstance(m, kinds)]
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
