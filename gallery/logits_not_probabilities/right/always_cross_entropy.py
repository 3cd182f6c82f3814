"""Right: it ignores the flag on purpose: log_softmax of log-probabilities changes nothing (the kata's
Right: docstring says so), so cross_entropy is right for both kinds of input.
Shows on: log_probs=True with log-probabilities holding -inf (a class of probability 0) or -1e4;
Shows on: logits of 1000.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    # log_softmax(log p) == log p - log(sum p) == log p, so one formula serves both cases.
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
