"""Pitfall: accuracy runs the forward passes with recording on and detaches the scores: every graph was
Pitfall: built for nothing.
Source: the maintainer's own irregular set (issue 19): a model whose parameters require grad
Expect: the forward passes built a graph
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    for X, y in batches:
        scores = model(X).detach()  # requires_grad False, the graph was built anyway
        correct += (scores.argmax(dim=1) == y).sum().item()
        total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
