"""Pitfall: the one-hot of the targets cached by the batch's shape: the next batch of the same shape
reuses the first batch's targets.
Source: maintainers' own set (issue 19): a function called again (state kept between calls).
Expect: is not the mean cross-entropy
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below

_ONE_HOT = {}


def classification_loss(scores, targets, *, log_probs=False):
    logp = scores if log_probs else F.log_softmax(scores, dim=1)
    key = tuple(scores.shape)
    if key not in _ONE_HOT:  # "built once per shape"
        _ONE_HOT[key] = F.one_hot(targets, scores.shape[1]).bool()
    return -logp[_ONE_HOT[key]].mean()
