"""Pitfall: accuracy 'fixes' the changing answer by reseeding the global RNG and restoring
Pitfall: BatchNorm's statistics from a saved state_dict, but still evaluates in train mode:
Pitfall: dropout thins the network and BatchNorm normalises with batch statistics, so the figure
Pitfall: is repeatable and wrong (and the caller's RNG is reset).
Source: examiner set (issue 19): a model with dropout or BatchNorm: the answer differs from the
Source: eval-mode accuracy, while two calls agree and the model's state is unchanged
Expect: the model was evaluated in train mode
"""

import copy

import torch


def accuracy(model, batches):
    saved = copy.deepcopy(model.state_dict())
    torch.manual_seed(0)
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in batches:
                correct += (model(X).argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        model.load_state_dict(saved)
    return correct / total
