"""Right: it uses module objects (nn.CrossEntropyLoss, nn.NLLLoss, nn.BCEWithLogitsLoss) built once at
Right: import, as many tutorials do.
Shows on: the same inputs as the functional form; two calls in a row (the modules hold no state).
Source: examiner set (issue 19)
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

_CE = nn.CrossEntropyLoss()
_NLL = nn.NLLLoss()
_BCE = nn.BCEWithLogitsLoss()


def classification_loss(scores, targets, *, log_probs=False):
    return (_NLL if log_probs else _CE)(scores, targets)


def binary_loss(logits, targets):
    return _BCE(logits, targets)
