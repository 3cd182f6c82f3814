"""Pitfall: the loss computed from detached scores: the right value, cut from the graph.
Source: maintainers' own set (issue 19): scores that require grad.
Expect: the loss does not require grad though the scores do
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    scores = scores.detach()  # "no need to track the loss"
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)
