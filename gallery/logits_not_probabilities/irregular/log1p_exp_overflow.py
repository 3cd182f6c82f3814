"""Pitfall: the binary loss as `log1p(exp(z)) - t * z`: exp overflows to inf past a logit of about
88 in float32.
Source: examiner set (issue 19): a logit of 100.
Expect: `exp(z)` overflowed
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    return (torch.log1p(torch.exp(logits)) - targets * logits).mean()
