"""Pitfall: the mean of the batch accuracies: a short last batch weighs as much as a full one.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its test() counts `correct` over all batches and divides by the dataset's size once.
Expect: this is the mean of the batch accuracies
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    scores = []
    try:
        with torch.no_grad():
            for X, y in batches:
                scores.append((model(X).argmax(dim=1) == y).float().mean().item())
    finally:
        for module, was_training in modes:
            module.training = was_training
    return sum(scores) / len(scores)  # every batch counts the same, whatever its size
