"""Pitfall: `torch.where(targets == 1, ...)` picks one term: only right for targets of exactly 0 or
1.
Source: examiner set (issue 19): soft targets (0.3).
Expect: treats every target as exactly 0 or 1
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return -torch.where(targets == 1, F.logsigmoid(logits), F.logsigmoid(-logits)).mean()
