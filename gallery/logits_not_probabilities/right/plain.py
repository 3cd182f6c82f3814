"""Right: it is the textbook answer: each loss function given the kind of input it expects.
Shows on: every input: logits of any size, float64/bfloat16, -inf for masked classes, soft targets,
Shows on: any shape of logits.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
