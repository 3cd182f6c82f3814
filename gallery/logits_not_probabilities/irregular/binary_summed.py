"""Pitfall: the binary cross-entropy summed (`reduction='sum'`), numel times the mean.
Source: maintainers' own set (issue 19): more than one prediction.
Expect: the loss is summed, numel times the mean
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets, reduction="sum")
