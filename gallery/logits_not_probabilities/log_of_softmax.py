"""Pitfall: the log taken of softmax probabilities: a confidently wrong prediction's probability
rounds to 0 and its loss becomes inf (log_softmax or cross_entropy compute it stably).
Source: Karpathy, "most common neural net mistakes" (2018), item 4 (compute the loss from the raw
logits, not from probabilities).
Expect: the log of the softmax
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    log_p = scores if log_probs else torch.log(F.softmax(scores, dim=1))  # log(0) = -inf
    return F.nll_loss(log_p, targets)
