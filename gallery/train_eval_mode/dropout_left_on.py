"""Pitfall: evaluating in train mode (no `model.eval()`): dropout on, accuracy low, not repeatable.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its test() begins with `model.eval()`, the line this answer leaves out.
Expect: dropout was left on
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    correct, total = 0, 0
    with torch.no_grad():  # no graph, but no eval mode either: dropout still drops
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    return correct / total
