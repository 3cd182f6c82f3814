"""Pitfall: accuracy calls `torch.no_grad()` as a statement instead of a `with` block, which creates
Pitfall: the context manager and throws it away, so every forward records a graph.
Source: examiner set (issue 19): any model with parameters, run under saved_tensors_hooks (or a
Source: model that records `torch.is_grad_enabled()` in its forward): the graph is built
Expect: the forward passes built a graph
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    try:
        torch.no_grad()
        for X, y in batches:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
