"""Pitfall: evaluate() that "restores" with `model.train()`, waking a frozen batch norm.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): model.train() in train(), model.eval() in test().
Expect: every module came back in one mode, the model's own
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def evaluate(model, X):
    model.eval()
    with torch.no_grad():
        outputs = model(X)
    model.train()  # every module back in train: not the modes they were in
    return outputs
