"""Right: it ignores the flag on purpose: log_softmax of log-probabilities changes nothing (the kata's
Right: docstring says so), so cross_entropy is right for both kinds of input.
Right: Half types are computed in float32 and the loss cast back: the 'mean' of these losses adds
Right: the per-example losses in the scores' dtype, and a float16 sum overflows past 65504.
Shows on: log_probs=True with log-probabilities holding -inf (a class of probability 0) or -1e4;
Shows on: logits of 1000.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def _wide(x):
    """float16 and bfloat16 in float32 (a float16 sum overflows past 65504); others as they are."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def classification_loss(scores, targets, *, log_probs=False):
    # log_softmax(log p) == log p - log(sum p) == log p, so one formula serves both cases.
    return F.cross_entropy(_wide(scores), targets).to(scores.dtype)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
