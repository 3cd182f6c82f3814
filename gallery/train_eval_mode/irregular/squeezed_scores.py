"""Pitfall: accuracy squeezes the model's output 'to be safe' before the argmax over dim 1, which
Pitfall: removes the batch dimension of a batch of one example and fails.
Source: examiner set (issue 19): a batch of exactly one example (a last batch of 1: 65 examples in
Source: batches of 64)
Expect: a batch of a single example is in scope
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).squeeze().argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
