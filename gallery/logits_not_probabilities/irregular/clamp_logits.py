"""Pitfall: the logits are clamped to [-50, 50] before a hand-written binary loss: a logit past 50
costs as if it were 50, and its gradient is zero.
Source: examiner set (issue 19): confidently wrong logits beyond 50 (100, -200).
Expect: the logits were clamped to ±50
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    x = logits.clamp(-50.0, 50.0)
    return (torch.log1p(torch.exp(x)) - targets * x).mean()
