"""Pitfall: eval mode taken for "dropout off": only the dropout layers are switched, so BatchNorm
Pitfall: stays in train mode and updates its running statistics.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: `model.train()` / `model.eval()` in its train() and test().
Expect: BatchNorm's running statistics changed
"""

import torch
from torch import nn

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(module, module.training) for module in model.modules()]
    for module in model.modules():  # instead of model.eval(): "eval is about dropout"
        if isinstance(module, nn.Dropout):
            module.eval()
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        for module, was_training in modes:
            module.training = was_training
    return correct / total
