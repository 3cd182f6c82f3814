"""Pitfall: evaluate() that saves and restores the modes of the model and its direct children
Pitfall: only (`model.children()`): a module nested deeper keeps the eval mode it was given.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): model.train() in train(), model.eval() in test().
Expect: only the model and its direct children got their modes back
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in (model, *model.children())]  # one level deep only
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for module, was_training in modes:
            module.training = was_training
