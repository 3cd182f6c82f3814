"""Pitfall: the scores shifted by their row maxima in place (under no_grad, "for stability"): the
loss is right, but the caller's model output has changed.
Source: maintainers' own set (issue 19): the inputs after the call.
Expect: classification_loss changed its scores
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    with torch.no_grad():
        scores -= scores.max(dim=1, keepdim=True).values  # writes into the caller's tensor
    return F.cross_entropy(scores, targets)
