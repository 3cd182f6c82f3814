"""Pitfall: the logits and the targets swapped in the call to the loss.
Source: maintainers' own set (issue 19): any logits.
Expect: the logits and the targets were swapped
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(targets, logits)
