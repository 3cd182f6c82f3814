"""Pitfall: the correct predictions divided by the number of batches times the first batch's
Pitfall: size: a short last batch is counted as a full one.
Source: 003, notes on 《动手学深度学习》 linear regression (the last batch is smaller when n is not a
Source: multiple of batch_size).
Expect: every batch was counted as holding 50 examples
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    correct = 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
    finally:
        for module, was_training in modes:
            module.training = was_training
    return correct / (len(batches) * len(batches[0][1]))  # every batch taken as full
