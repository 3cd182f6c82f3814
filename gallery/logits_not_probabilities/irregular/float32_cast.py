"""Pitfall: the scores are cast to float32 with `.float()`: float64 scores lose their precision.
Source: examiner set (issue 19): float64 scores that float32 cannot tell apart (1e8 + x).
Expect: float64 scores were computed in float32
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    scores = scores.float()
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
