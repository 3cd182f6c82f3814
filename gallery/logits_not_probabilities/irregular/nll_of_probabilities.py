"""Pitfall: with log_probs=True the log-probabilities are turned into probabilities (`exp`) and
given to `F.nll_loss`, which expects log-probabilities.
Source: maintainers' own set (issue 19): log-probabilities (a network ending in log_softmax).
Expect: `F.nll_loss` was given probabilities
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores.exp(), targets)  # probabilities, not log-probabilities
    return F.cross_entropy(scores, targets)
