"""Pitfall: accuracy switches only the layer types known to care (dropout, batch norm) to eval: a layer
Pitfall: of the model's own class stays in train mode.
Source: the maintainer's own irregular set (issue 19): a model with a layer of its own class that
Source: behaves otherwise in train mode
Expect: the model was evaluated in train mode
"""

import torch
from torch import nn

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    kinds = (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm)
    modes = [(m, m.training) for m in model.modules()]
    for m in model.modules():
        if isinstance(m, kinds):
            m.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
