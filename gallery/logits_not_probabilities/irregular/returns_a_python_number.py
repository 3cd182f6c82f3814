"""Pitfall: the loss returned as a Python number (`.item()`): backward cannot start from it.
Source: maintainers' own set (issue 19): the type of the result.
Expect: returned a Python number
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets).item()
    return F.cross_entropy(scores, targets).item()
