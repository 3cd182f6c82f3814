"""Right: it is the textbook answer: each loss function given the kind of input it expects.
Right: Half types are computed in float32 and the loss cast back: the 'mean' of these losses adds
Right: the per-example losses in the scores' dtype, and a float16 sum overflows past 65504.
Shows on: every input: logits of any size, float64/bfloat16, -inf for masked classes, soft targets,
Shows on: any shape of logits.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def _wide(x):
    """float16 and bfloat16 in float32 (a float16 sum overflows past 65504); others as they are."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        return F.nll_loss(_wide(scores), targets).to(scores.dtype)
    return F.cross_entropy(_wide(scores), targets).to(scores.dtype)


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)
