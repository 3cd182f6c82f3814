"""Pitfall: the modes saved and restored for the model and its direct children only
Pitfall: (`model.children()`): a module nested deeper keeps the eval mode it was given.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its train() and test() switch the whole model with `model.train()` / `model.eval()`.
Expect: only the model and its direct children got their modes back
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in (model, *model.children())]  # one level deep only
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for module, was_training in modes:
        module.training = was_training
    return correct / total
