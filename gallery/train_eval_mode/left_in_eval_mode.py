"""Pitfall: the model is left in eval mode: the training loop that called it trains on, dropout off.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: test() switches to `model.eval()` and relies on the next train() to call `model.train()`.
Expect: the model was left in eval mode
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    model.eval()  # ... and the mode is never put back
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    return correct / total
