"""Pitfall: the cross-entropy summed over the batch (`reduction='sum'`), N times the mean.
Source: maintainers' own set (issue 19): a batch of more than one example.
Expect: the loss is summed over the batch
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets, reduction="sum")
    return F.cross_entropy(scores, targets, reduction="sum")
