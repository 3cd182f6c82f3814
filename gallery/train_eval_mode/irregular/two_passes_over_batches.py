"""Pitfall: accuracy counts the examples in a first pass over `batches` and the correct ones in a
Pitfall: second, so a generator (which can be iterated once) is empty the second time and the
Pitfall: answer is 0.0.
Source: examiner set (issue 19): batches given as a generator or any one-shot iterator
Source: (`iter(list_of_batches)`, a `map`)
Expect: a generator can be walked only once
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    total = sum(len(y) for _, y in batches)
    correct = 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
