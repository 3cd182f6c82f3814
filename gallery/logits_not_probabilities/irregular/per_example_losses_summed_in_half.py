"""Pitfall: the per-example losses are computed in float32, cast back to the scores' dtype, and
Pitfall: then `.sum() / N`: the float16 sum overflows past 65504 although the mean does not.
Source: examiner set (issue 19, second round): float16 losses that add up past 65504
Expect: a sum in float16 overflows before it is divided
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import binary_loss  # noqa: F401


def classification_loss(scores, targets, *, log_probs=False):
    z = scores.float() if scores.dtype in (torch.float16, torch.bfloat16) else scores
    per = F.nll_loss(z, targets, reduction="none") if log_probs \
        else F.cross_entropy(z, targets, reduction="none")
    per = per.to(scores.dtype)
    return per.sum() / len(per)
