"""Pitfall: one binary loss per prediction (`reduction='none'`) instead of their mean.
Source: maintainers' own set (issue 19): the shape of the result (a 0-dim tensor).
Expect: returned one loss per prediction
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
