"""Pitfall: `(-logp * one_hot).mean()`: the mean over the N * C entries, C times too small.
Source: maintainers' own set (issue 19): any batch of more than one class.
Expect: the mean over every entry of the (N, C) matrix
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    logp = scores if log_probs else F.log_softmax(scores, dim=1)
    picked = logp.gather(1, targets[:, None])  # no -inf * 0 here
    one_hot = F.one_hot(targets, scores.shape[1]).to(logp.dtype)
    return -(picked * one_hot).mean()  # averaged over N * C numbers
