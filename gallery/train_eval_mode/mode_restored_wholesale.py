"""Pitfall: `model.train()` at the end: every submodule back to train, a frozen BatchNorm and a
Pitfall: model that came in eval mode included.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its train() and test() switch the whole model with `model.train()` / `model.eval()`.
Expect: every module came back in one mode, the model's own
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    model.train()  # "as it was"? Only if every module was in train mode before
    return correct / total
