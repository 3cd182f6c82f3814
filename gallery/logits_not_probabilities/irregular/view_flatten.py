"""Pitfall: the logits and targets flattened with `.view(-1)`, which refuses a non-contiguous
tensor.
Source: examiner set (issue 19): non-contiguous (transposed) logits.
Expect: `.view()` on a tensor that is not contiguous
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits.view(-1), targets.view(-1))
