"""Pitfall: `BCELoss` (`F.binary_cross_entropy`) given raw logits instead of `BCEWithLogitsLoss`.
Source: Karpathy, "most common neural net mistakes" (2018), item 4 (a loss given the wrong kind of
output).
Expect: takes probabilities in [0, 1], and was given raw scores
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the line below


def binary_loss(logits, targets):
    return F.binary_cross_entropy(logits, targets)  # takes probabilities in [0, 1]
