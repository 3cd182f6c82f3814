"""Right: it is the plain answer of the hints, with the restore in a `finally`; the examiner's
Right: baseline
Source: examiner set (issue 19): handles a generator of batches, batches of unequal sizes (a last
Source: batch of 1), a model of mixed modes nested deeply, a call inside an outer
Source: `torch.no_grad()`, tied scores (argmax takes the first)
"""

import torch


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        for m, was in modes:
            m.training = was
    return correct / total
