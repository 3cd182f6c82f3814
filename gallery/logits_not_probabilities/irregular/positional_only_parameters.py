"""Pitfall: the parameters made positional-only (`def classification_loss(scores, targets, /,
log_probs=False)`): a caller that passes `scores=` and `targets=` by name gets a TypeError.
Source: maintainers' own set (issue 19): the contract's names, passed by name (a mutant of the
Source: reference that survived the tests).
Expect: refused its arguments passed by name
"""

import torch.nn.functional as F


def classification_loss(scores, targets, /, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets.to(logits.dtype))
