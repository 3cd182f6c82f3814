"""Pitfall: `F.one_hot(targets)` without num_classes: a batch without the last class gets a one-hot
of the wrong width.
Source: examiner set (issue 19): a batch whose targets are all 0.
Expect: without `num_classes`
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    logp = scores if log_probs else F.log_softmax(scores, dim=1)
    return -(logp * F.one_hot(targets)).sum(dim=1).mean()


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
