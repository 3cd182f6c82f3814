"""Right: instead of switching the caller's model and restoring it, it evaluates a deep copy put in
Right: eval mode; the caller's model is untouched by construction (a test that watches the
Right: caller's own modules during the forward would not see them run)
Source: examiner set (issue 19): handles a model of mixed modes (the caller's model is never
Source: switched at all), BatchNorm statistics (the copy's move nowhere either: it is in eval
Source: mode), a generator of batches, an outer `no_grad`
"""

import copy

import torch


def accuracy(model, batches):
    frozen = copy.deepcopy(model).eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            correct += (frozen(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    return correct / total
