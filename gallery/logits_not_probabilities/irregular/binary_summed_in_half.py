"""Pitfall: binary_loss takes `reduction='sum'` in the logits' dtype and divides by numel: in
Pitfall: float16 the sum overflows past 65504 although the mean does not.
Source: examiner set (issue 19, second round): float16 logits ±40000, confidently wrong
Expect: a sum in float16 overflows before it is divided
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import classification_loss  # noqa: F401


def binary_loss(logits, targets):
    t = targets.to(logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, t, reduction="sum") / logits.numel()
