"""Pitfall: each row's maximum taken without keepdim: with N == C every score is shifted by another
row's maximum.
Source: examiner set (issue 19): as many examples as classes.
Expect: taken without `keepdim`
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(scores, targets)
    m = scores.max(dim=1).values
    shifted = scores - m
    lse = torch.log(torch.exp(shifted).sum(dim=1))
    picked = shifted[torch.arange(len(targets)), targets]
    return (lse - picked).mean()


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
